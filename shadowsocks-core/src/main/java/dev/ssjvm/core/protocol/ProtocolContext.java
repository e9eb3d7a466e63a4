package dev.ssjvm.core.protocol;

import dev.ssjvm.core.replay.ReplayProtection;
import dev.ssjvm.crypto.AeadFactory;

/** What every protocol of one service shares: the crypto backends and the replay defences. */
public record ProtocolContext(AeadFactory crypto, ReplayProtection replay) {}
