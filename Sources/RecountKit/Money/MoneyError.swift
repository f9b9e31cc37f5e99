/// Why an exact money computation could not be done.
///
/// Money arithmetic never traps: a catalog or a log line is untrusted input, and an absurd price
/// must become a reported problem, not a crash of the nightly run.
public enum MoneyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The exact result does not fit in 128-bit numerator / denominator.
    case overflow(operation: String)
    /// The text is not a decimal number, a fraction `a/b`, or is outside the accepted bounds.
    case invalidNumber(text: String, reason: String)
    /// A zero denominator or divisor.
    case divisionByZero
    /// A rounding scale outside `Rational.scaleRange`.
    case scaleOutOfRange(Int)

    public var description: String {
        switch self {
        case .overflow(let operation):
            "exact arithmetic overflow in \(operation) (the numbers exceed 128-bit range)"
        case .invalidNumber(let text, let reason):
            "invalid number '\(text)': \(reason)"
        case .divisionByZero:
            "division by zero"
        case .scaleOutOfRange(let scale):
            "scale \(scale) is outside \(Rational.scaleRange.lowerBound)...\(Rational.scaleRange.upperBound)"
        }
    }
}
