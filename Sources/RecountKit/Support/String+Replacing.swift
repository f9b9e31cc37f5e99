extension String {
    /// Replaces every occurrence of a one-character `target` (no Foundation needed).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
