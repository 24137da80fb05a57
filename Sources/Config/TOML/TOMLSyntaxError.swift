/// A TOML document that could not be parsed: where (1-based line and column, columns counted in
/// Unicode scalars) and why.
public struct TOMLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the offending character.
    public var line: Int
    /// 1-based column of the offending character, in Unicode scalars.
    public var column: Int
    /// What is wrong, written for a person editing the file.
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// "line:column: message".
    public var description: String { "\(line):\(column): \(message)" }
}
