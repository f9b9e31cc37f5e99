extension GatewayOther {
    /// Whether the row's prompt count excludes cached and written tokens: Anthropic usage, or
    /// (older rows) lifetime-split cache writes without a usage tag (`GatewayQuota`).
    var promptExcludesCache: Bool {
        let split = (cacheCreationTokens5m ?? 0) > 0 || (cacheCreationTokens1h ?? 0) > 0
        return isAnthropicUsage || (usageSemantic == nil && split && inputTokensTotal == nil)
    }

    /// The row's quantities as the charge formula takes them (SPEC §2.4, OpenAI semantics:
    /// every part inside the prompt or completion count), from its `prompt_tokens` and
    /// `completion_tokens` columns. An Anthropic row's prompt gets its cached and written
    /// tokens added back. Writes the gateway prices at `cache_creation_ratio` (OpenAI usage,
    /// and Anthropic writes not split by lifetime) count as 5-minute writes, whose ratio that is.
    public func chargeUsage(promptTokens: Int, completionTokens: Int) -> ChargeUsage {
        var usage = ChargeUsage(
            promptTokens: promptTokens, cachedPromptTokens: cacheTokens ?? 0,
            completionTokens: completionTokens)
        let created = cacheCreationTokens ?? 0
        if promptExcludesCache {
            let fiveMinutes = cacheCreationTokens5m ?? 0, oneHour = cacheCreationTokens1h ?? 0
            usage.cacheWrite1hTokens = oneHour
            usage.cacheWrite5mTokens = fiveMinutes + max(created - fiveMinutes - oneHour, 0)
            usage.promptTokens += usage.cachedPromptTokens + usage.cacheWrite5mTokens + usage.cacheWrite1hTokens
        } else {
            usage.cacheWrite5mTokens = created
        }
        usage.imageTokens = imageTokens ?? 0
        if audio == true {
            usage.audioInputTokens = audioInputTokens ?? 0
            usage.audioOutputTokens = audioOutputTokens ?? 0
        } else if let tokens = separateAudioInputTokens, (separateAudioInputPrice ?? .zero) > .zero {
            usage.audioInputTokens = tokens
        }
        var calls: [String: Int] = [:]
        if let list = toolSurcharges {
            for item in list where item.count > 0 { calls[item.name, default: 0] += item.count }
        } else {
            if let n = webSearchCalls, n > 0 { calls["web_search", default: 0] += n }
            if let n = fileSearchCalls, n > 0 { calls["file_search", default: 0] += n }
        }
        usage.toolCalls = calls
        return usage
    }
}
