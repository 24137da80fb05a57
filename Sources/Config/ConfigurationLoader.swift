#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Loads pgring's TOML configuration: parse, map onto `PGRingConfiguration`, validate.
/// Either returns a usable configuration or throws a `ConfigurationError` listing every problem found.
public enum ConfigurationLoader {
    /// Reads, parses and validates the file at `path`.
    /// - Throws: `ConfigurationError` (source = `path`): the file is missing or unreadable, is not UTF-8,
    ///   has a TOML syntax error (one problem with line and column), or has mapping/validation problems (all of them).
    public static func load(path: String) throws -> PGRingConfiguration {
        try parse(try readFile(path), source: path)
    }

    /// Parses and validates configuration text. `source` names it in error messages.
    /// TLS file paths in it are checked relative to the process's working directory.
    public static func parse(_ text: String, source: String = "<string>") throws -> PGRingConfiguration {
        try parse(text, source: source, isReadableFile: ConfigurationValidator.fileSystemIsReadable)
    }

    /// Addition: `parse` with an injected file check (tests use it to avoid touching the file system).
    public static func parse(
        _ text: String, source: String = "<string>", isReadableFile: (String) -> Bool
    ) throws -> PGRingConfiguration {
        let document: TOMLTable
        do {
            document = try TOMLParser.parse(text)
        } catch {
            throw ConfigurationError(
                problems: [.init(keyPath: "", message: "TOML syntax error: \(error.message)", line: error.line, column: error.column)],
                source: source)
        }
        return try configuration(from: document, source: source, isReadableFile: isReadableFile)
    }

    /// Addition: maps and validates an already parsed document.
    public static func configuration(
        from document: TOMLTable,
        source: String = "<string>",
        isReadableFile: (String) -> Bool = ConfigurationValidator.fileSystemIsReadable
    ) throws -> PGRingConfiguration {
        let problems = ProblemCollector()
        let (configuration, origins) = ConfigurationMapper(problems: problems).map(document)
        let validationProblems = withoutActuallyEscaping(isReadableFile) { isReadableFile in
            ConfigurationValidator(configuration: configuration, origins: origins, isReadableFile: isReadableFile).problems()
        }
        problems.report(validationProblems)
        guard problems.problems.isEmpty else {
            throw ConfigurationError(problems: problems.problems, source: source)
        }
        return configuration
    }

    /// The file's text, or a `ConfigurationError` with one problem saying why it cannot be read.
    private static func readFile(_ path: String) throws -> String {
        func failure(_ message: String) -> ConfigurationError {
            ConfigurationError(problems: [.init(keyPath: "", message: message)], source: path)
        }
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw failure("configuration file not found")
        }
        guard !isDirectory else {
            throw failure("is a directory, not a configuration file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw failure("cannot read the configuration file (check its permissions)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw failure("the configuration file is not valid UTF-8")
        }
        return text
    }
}
