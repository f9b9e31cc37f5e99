/// Everything the counters decide from a model name alone: its encoding, its chat, tool and
/// image rules. Worked out once per name and thread, then looked up.
///
/// Why: every request resolves its model, and the rules are prefix scans, set lookups and
/// substring searches over name tables (about 2% of a reconcile, with a few allocations per
/// request); a day's log names a few dozen models. All of it is a pure function of the name,
/// so remembering it changes nothing but the time.
struct ModelRules: Sendable {
    let resolved: ModelEncoding
    let chat: ChatRule
    let image: ImageTileRule?
    let tools: ToolRule

    /// Names a thread remembers before it starts over.
    static let rememberedMax = 1024

    init(model: String) {
        resolved = ModelEncoding.resolved(model)
        chat = ChatRule.forModel(model)
        image = ImageTileRule.forModel(model)
        tools = ToolRule.forModel(model, encoding: resolved.encoding)
    }

    /// The rules of `model`, from this thread's memo.
    static func forModel(_ model: String) -> ModelRules {
        let caches = ThreadCaches.current
        // String keys match canonically equivalent spellings; the rules match bytes, so a hit
        // counts only when the bytes are the same too (else the rules are worked out afresh).
        if let known = caches.modelRules[model] {
            if known.resolved.model.utf8.elementsEqual(model.utf8) { return known }
            return ModelRules(model: model)
        }
        if caches.modelRules.count >= rememberedMax { caches.modelRules.removeAll(keepingCapacity: true) }
        let rules = ModelRules(model: model)
        caches.modelRules[model] = rules
        return rules
    }
}
