/// How a price version turns an exact amount into a debit at the unit's scale (SPEC §2.4).
///
/// The raw values are the catalog's spelling. Amounts are never negative in Recount, but every
/// mode is defined for negatives too so the arithmetic has no hidden precondition:
/// `half_up` rounds ties toward +∞ (SPEC §6), `half_away_from_zero` rounds ties away from 0.
public enum RoundingMode: String, Sendable, CaseIterable {
    case ceil
    case floor
    case half_up
    case half_even
    case half_away_from_zero
}
