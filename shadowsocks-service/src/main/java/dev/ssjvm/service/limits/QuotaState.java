package dev.ssjvm.service.limits;

import java.time.Instant;

/** Where a quota stands: when its current period began and how much of it is used. */
public record QuotaState(Instant periodStart, long usedBytes) {}
