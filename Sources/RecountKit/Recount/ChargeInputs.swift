import TokenCounter

/// What a request consumed, in the terms the price formula takes (SPEC §2.4, §6 "Prices").
///
/// Images: count = `usage.images`, else `n`, else 1; size and quality from the request.
/// Audio transcription: `usage.seconds`. Speech: Unicode scalars of the request's `input`.
/// A new-api row's `other` (SPEC §2.6) supplies what its columns do not say: cached reads,
/// cache writes (5 m / 1 h), image and audio tokens and tool calls (`GatewayOther.chargeUsage`),
/// so each is priced at its own price where the catalog has one — a gpt-4o row with 400 of its
/// 1,000 prompt tokens read from cache is priced as the gateway priced it, not as 1,000
/// uncached tokens.
public func chargeUsage(for record: LogRecord, counts: TokenCounts) -> ChargeUsage {
    var usage = ChargeUsage(
        promptTokens: counts.prompt, cachedPromptTokens: counts.cachedPrompt,
        completionTokens: counts.completion)
    if let other = record.gateway?.other {
        usage = gatewayUsage(other, counts: counts)
    }
    switch record.endpoint {
    case .imagesGenerations:
        usage.imageCount = record.usage?.images ?? record.request?["n"]?.numberText.flatMap { Int($0) } ?? 1
        usage.imageSize = record.request?["size"]?.stringValue
        usage.imageQuality = record.request?["quality"]?.stringValue
    case .audioTranscriptions:
        usage.audioSeconds = record.usage?.seconds
    case .audioSpeech:
        usage.characters = record.request?["input"]?.stringValue?.unicodeScalars.count ?? record.inputScalars
    default:
        break
    }
    return usage
}

/// The row's `other` quantities on the counts in use. Only a prompt taken from the row's own
/// `prompt_tokens` column (basis `billed`) is in the row's semantics: an Anthropic row's
/// column excludes cached and written tokens, which `GatewayOther.chargeUsage` adds back; a
/// prompt counted another way (a recount of the body, upstream usage) already holds them.
/// (The uncached rest is never negative: SPEC §2.4 takes `max(…, 0)`.)
func gatewayUsage(_ other: GatewayOther, counts: TokenCounts) -> ChargeUsage {
    var usage = other.chargeUsage(promptTokens: counts.prompt, completionTokens: counts.completion)
    if counts.promptSource != .billed, other.promptExcludesCache {
        usage.promptTokens = counts.prompt
    }
    usage.cachedPromptTokens = max(usage.cachedPromptTokens, counts.cachedPrompt)
    return usage
}
