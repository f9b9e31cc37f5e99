import TokenCounter

/// What a request consumed, in the terms the price formula takes (SPEC §2.4, §6 "Prices").
///
/// Images: count = `usage.images`, else `n`, else 1; size and quality from the request.
/// Audio transcription: `usage.seconds`. Speech: Unicode scalars of the request's `input`.
public func chargeUsage(for record: LogRecord, counts: TokenCounts) -> ChargeUsage {
    var usage = ChargeUsage(promptTokens: counts.prompt, cachedPromptTokens: counts.cachedPrompt,
                            completionTokens: counts.completion)
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
