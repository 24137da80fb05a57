/// One thing wrong with a configuration: which key, and what is wrong, in words a person can act on.
///
/// Messages never repeat a secret (password, SCRAM verifier, MD5 hash).
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is, as a path into the file: `pool.size`, `shards[1].weight`, `users[0]`.
    /// Indices are 0-based positions in the file. Empty for problems with the file as a whole
    /// (unreadable, or a TOML syntax error).
    public var keyPath: String
    /// What is wrong.
    public var message: String
    /// Addition: the 1-based line of a TOML syntax error; nil for every other problem.
    public var line: Int?
    /// Addition: the 1-based column (in Unicode scalars) of a TOML syntax error; nil for every other problem.
    public var column: Int?

    public init(keyPath: String, message: String, line: Int? = nil, column: Int? = nil) {
        self.keyPath = keyPath
        self.message = message
        self.line = line
        self.column = column
    }

    /// `<keyPath>: <message>`, or `<line>:<column>: <message>` for a syntax error, or just the message.
    public var description: String {
        if let line, let column {
            return "\(line):\(column): \(message)"
        }
        if keyPath.isEmpty {
            return message
        }
        return "\(keyPath): \(message)"
    }
}

/// A configuration that cannot be used, with every problem found (not just the first).
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// All problems, in file order as far as possible. Never empty when thrown by `ConfigurationLoader`.
    public var problems: [ConfigurationProblem]
    /// Addition: where the configuration came from (the file path, or `<string>`), used in `description`.
    public var source: String

    public init(problems: [ConfigurationProblem], source: String = "<string>") {
        self.problems = problems
        self.source = source
    }

    /// One line per problem: `<source>: <keyPath>: <message>` (syntax errors: `<source>:<line>:<column>: <message>`).
    public var description: String {
        problems.map { problem in
            if problem.line != nil {
                return "\(source):\(problem.description)"
            }
            return "\(source): \(problem.description)"
        }.joined(separator: "\n")
    }
}
