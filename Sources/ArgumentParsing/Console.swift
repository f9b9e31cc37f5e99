import Foundation

/// Where a command writes. Tests pass a capturing console; `main.swift` passes `.standard`.
public struct Console: Sendable {
    public let writeOut: @Sendable (String) -> Void
    public let writeError: @Sendable (String) -> Void
    /// Whether stderr is a terminal (progress is shown only then).
    public let errorIsTerminal: Bool
    /// Reads all of standard input (for `-`).
    public let readInput: @Sendable () -> Data

    public init(
        writeOut: @escaping @Sendable (String) -> Void,
        writeError: @escaping @Sendable (String) -> Void,
        errorIsTerminal: Bool = false,
        readInput: @escaping @Sendable () -> Data = { Data() }
    ) {
        self.writeOut = writeOut
        self.writeError = writeError
        self.errorIsTerminal = errorIsTerminal
        self.readInput = readInput
    }

    public static var standard: Console {
        Console(
            writeOut: { FileHandle.standardOutput.write(Data($0.utf8)) },
            writeError: { FileHandle.standardError.write(Data($0.utf8)) },
            errorIsTerminal: isatty(2) != 0,
            readInput: { FileHandle.standardInput.readDataToEndOfFile() })
    }

    public func out(_ line: String) { writeOut(line + "\n") }
    public func error(_ line: String) { writeError(line + "\n") }
}
