"""Parses a Prometheus text exposition with the reference Python client's parser, independent of the
Java code under test, and prints its metric families as JSON for MetricsAddonTest.

Usage: /usr/bin/python3 parse_metrics.py FILE
Prints: [{"name", "type", "help", "samples": [{"name", "labels", "value"}]}]; a value that is not a
finite number is printed as a string ("NaN", "+Inf", "-Inf"). A malformed exposition exits non-zero.
"""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def value(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return v


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    families = []
    for family in text_string_to_metric_families(text):
        families.append({
            "name": family.name,
            "type": family.type,
            "help": family.documentation,
            "samples": [{"name": s.name, "labels": dict(s.labels), "value": value(s.value)}
                        for s in family.samples],
        })
    json.dump(families, sys.stdout)


if __name__ == "__main__":
    main()
