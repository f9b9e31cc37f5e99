/// The few ids closest to one that was not found, for "did you mean" (support staff often paste
/// an id with a character missing, or only its start).
///
/// Ranking: a longer common prefix first (a pasted id cut short, or one from the same batch),
/// then a smaller edit distance, then byte order — so the suggestion list is deterministic.
/// Memory is bounded by `keep`, whatever the number of ids offered.
public struct NearestIDs {
    let target: [UInt8]
    let keep: Int
    private var ranked: [(prefix: Int, distance: Int, id: String)] = []
    private var seen: Set<String> = []

    public init(target: String, keep: Int) {
        self.target = Array(target.utf8)
        self.keep = keep
    }

    /// Edit distances beyond this are not worth suggesting (and not worth computing fully).
    static let distanceMax = 64

    public mutating func offer(_ id: String) {
        guard !seen.contains(id) else { return }
        let bytes = Array(id.utf8)
        let prefix = zip(bytes, target).prefix { $0 == $1 }.count
        let distance = Self.editDistance(bytes, target)
        let candidate = (prefix: prefix, distance: distance, id: id)
        if ranked.count == keep, let worst = ranked.last, !Self.better(candidate, worst) { return }
        seen.insert(id)
        ranked.append(candidate)
        ranked.sort(by: Self.better)
        if ranked.count > keep {
            seen.remove(ranked.removeLast().id)
        }
    }

    public var best: [String] { ranked.map(\.id) }

    static func better(
        _ a: (prefix: Int, distance: Int, id: String), _ b: (prefix: Int, distance: Int, id: String)
    ) -> Bool {
        if a.prefix != b.prefix { return a.prefix > b.prefix }
        if a.distance != b.distance { return a.distance < b.distance }
        return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
    }

    /// Levenshtein distance over bytes, two rows; ids longer than `distanceMax` bytes are
    /// compared on their first `distanceMax` bytes (ids are short; this bounds the work).
    public static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let a = Array(a.prefix(distanceMax))
        let b = Array(b.prefix(distanceMax))
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension NearestIDs {
    /// The one of `known` nearest to `name` when it is close — a long common prefix, or a few
    /// characters off — else nil: "did you mean --tolerance?" for a mistyped option.
    public static func closeMatch(to name: String, among known: [String]) -> String? {
        var nearest = NearestIDs(target: name, keep: 1)
        for candidate in known { nearest.offer(candidate) }
        guard let best = nearest.best.first else { return nil }
        let common = zip(best.utf8, name.utf8).prefix { $0 == $1 }.count
        let distance = editDistance(Array(best.utf8), Array(name.utf8))
        return common >= 4 || distance <= max(2, name.utf8.count / 4) ? best : nil
    }
}
