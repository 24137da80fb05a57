#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One `[[shards]]` entry as `ConfigurationRewriter` writes it: the text form of the loader's `ShardConfiguration`
/// (addresses are `"host:port"` strings, written as given). A rebalance job records its shards in this form too
/// (`Rebalancing.ShardSpec`).
public struct ShardEntry: Sendable, Equatable, Codable {
    /// `name`.
    public var name: String
    /// `weight`.
    public var weight: Int
    /// `primary`: `"host:port"`.
    public var primary: String
    /// `replicas`: `["host:port", ...]`.
    public var replicas: [String]

    public init(name: String, weight: Int, primary: String, replicas: [String] = []) {
        self.name = name
        self.weight = weight
        self.primary = primary
        self.replicas = replicas
    }
}

/// Why `ConfigurationRewriter` refused to rewrite or write a configuration file. Nothing is written when one is thrown.
public enum ConfigurationRewriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text to rewrite is not valid TOML (rewriting it could not be done safely).
    case invalidTOML(TOMLSyntaxError)
    /// The text has no `[[shards]]` table, so there is no place to write the new shard list.
    case noShardsTable
    /// `rewrite` was given no shards; a configuration needs at least one.
    case noShards
    /// The rewritten text does not parse back to the requested shards and ring version (for example because
    /// `ring` is already defined by dotted keys, so no `[ring]` table can be added). The file is left as it was.
    case rewriteNotPossible(String)
    /// A step of `writeAtomically` failed: which step, on which path, and the system error.
    case writeFailed(path: String, step: String, errno: Int32)

    public var description: String {
        switch self {
        case .invalidTOML(let error):
            return "cannot rewrite the configuration: it is not valid TOML: \(error)"
        case .noShardsTable:
            return "cannot rewrite the configuration: it has no [[shards]] table to replace"
        case .noShards:
            return "cannot rewrite the configuration with no shards: at least one [[shards]] entry is required"
        case .rewriteNotPossible(let reason):
            return "cannot rewrite the configuration: \(reason)"
        case .writeFailed(let path, let step, let code):
            return "cannot write \(path): \(step) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}

/// Rewrites the shard list and the ring version of a pgring configuration file after an online rebalance,
/// leaving every other byte of the file as it was.
///
/// The file is read with the project's own TOML lexer (`TOMLDocumentParser`), so multi-line strings and arrays
/// are never mistaken for table headers. Rules, by line:
/// - A `[[shards]]` table (or any table whose header path starts with `shards`, such as `[shards.x]`) runs from its
///   header to the next header. Everything in it goes, including comments between its keys and comment lines
///   directly under its last key. At its end, the blank lines that follow go too, but a comment block directly
///   above the next header belongs to that next table, and a comment block after a blank line (a free-standing
///   comment, e.g. a commented-out example at the end of the file) is kept.
/// - A comment block directly above the first `[[shards]]` header is kept; one directly above a later
///   `[[shards]]` header describes that shard and goes with it.
/// - The new shards are written where the first `[[shards]]` header was, separated by blank lines, followed by
///   one blank line when anything follows them.
/// - `ring.version` is replaced in place (only the value: the key's spelling, spacing and a trailing comment stay);
///   when absent it is added as the first line under `[ring]`, or a `[ring]` table is appended at the end.
/// - The result is parsed again and checked to hold exactly the requested shards and version before it is returned.
public enum ConfigurationRewriter {
    /// Returns `text` with every `[[shards]]` table replaced by `shards` (rendered at the position of the first
    /// `[[shards]]` table, in the given order) and `[ring] version = ringVersion` set (the key replaced in place if present,
    /// else added as the first key under an existing `[ring]` header, else a new `[ring]` table with `version` appended at the end).
    /// - Throws: `ConfigurationRewriteError`: the text is not TOML, has no `[[shards]]` table, `shards` is empty, or
    ///   the result would not parse back to `shards` and `ringVersion`.
    public static func rewrite(_ text: String, shards: [ShardEntry], ringVersion: Int) throws -> String {
        guard !shards.isEmpty else { throw ConfigurationRewriteError.noShards }
        do {
            _ = try TOMLParser.parse(text)
        } catch {
            throw ConfigurationRewriteError.invalidTOML(error)
        }
        let document = try ConfigurationLayout(text: text)
        let result = try document.rewritten(shards: shards, ringVersion: ringVersion)
        try verify(result, shards: shards, ringVersion: ringVersion)
        return result
    }

    /// Writes `contents` to `path` atomically: a temporary file in the same directory, fsync, rename over `path`, fsync of the directory; keeps the original file's permissions.
    ///
    /// When `path` is a symbolic link, the file it points to is replaced (the link stays). A new file gets mode 0600
    /// (configuration files hold passwords). The owner and group of an existing file are kept when the process may
    /// set them. On failure the temporary file is removed and `path` is unchanged.
    /// - Throws: `ConfigurationRewriteError.writeFailed`.
    public static func writeAtomically(_ contents: String, to path: String) throws {
        try AtomicFileWriter(path: path).write(Array(contents.utf8))
    }

    /// ``writeAtomically(_:to:)`` for bytes (the rebalance job's JSON state file).
    public static func writeAtomically(bytes: [UInt8], to path: String) throws {
        try AtomicFileWriter(path: path).write(bytes)
    }

    // MARK: Rendering

    /// One `[[shards]]` table in the shipped file's style, each line ending with `newline`.
    static func render(_ shard: ShardEntry, newline: String) -> String {
        let replicas = shard.replicas.map(quoted).joined(separator: ", ")
        return "[[shards]]" + newline
            + "name = \(quoted(shard.name))" + newline
            + "weight = \(shard.weight)" + newline
            + "primary = \(quoted(shard.primary))" + newline
            + "replicas = [\(replicas)]" + newline
    }

    /// `text` as a TOML basic string: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{08}": result += "\\b"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\u{0C}": result += "\\f"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    // MARK: Verification

    /// Parses `result` and checks that it holds exactly `shards` and `ringVersion`.
    static func verify(_ result: String, shards: [ShardEntry], ringVersion: Int) throws {
        let document: TOMLTable
        do {
            document = try TOMLParser.parse(result)
        } catch {
            throw ConfigurationRewriteError.rewriteNotPossible(
                "the rewritten file would not be valid TOML (\(error)); is `ring` or `shards` defined in an unusual way?")
        }
        guard case .table(let ring)? = document["ring"], ring["version"] == .integer(Int64(ringVersion)) else {
            throw ConfigurationRewriteError.rewriteNotPossible("the rewritten file would not have ring.version = \(ringVersion)")
        }
        let expected: [TOMLValue] = shards.map { shard in
            .table(TOMLTable([
                "name": .string(shard.name),
                "weight": .integer(Int64(shard.weight)),
                "primary": .string(shard.primary),
                "replicas": .array(shard.replicas.map { .string($0) }),
            ]))
        }
        guard document["shards"] == .array(expected) else {
            throw ConfigurationRewriteError.rewriteNotPossible("the rewritten file would not hold exactly the \(shards.count) new shard(s)")
        }
    }
}

// MARK: - Layout

/// The document cut into items, each made of whole lines: what the rewriter needs to know about every line.
struct ConfigurationLayout {
    /// What one item is.
    enum Kind: Equatable {
        /// Only whitespace.
        case blank
        /// Whitespace and a `#` comment.
        case comment
        /// `[a.b]` or `[[a.b]]`, with its key path.
        case header(path: [String], isArray: Bool)
        /// `key = value` (possibly over several lines); `path` is the full path (table path + key path) and
        /// `value` the scalar range of the value alone.
        case keyValue(path: [String], value: Range<Int>)
    }

    /// One item: its scalar range (from a line start to just after its line end, or the end of the text) and kind.
    struct Item {
        var range: Range<Int>
        var kind: Kind

        var headerPath: [String]? {
            if case .header(let path, _) = kind { return path }
            return nil
        }

        var isShardsHeader: Bool { headerPath?.first == "shards" }
        var isComment: Bool { kind == .comment }
        var isBlank: Bool { kind == .blank }
        var isContent: Bool {
            switch kind {
            case .header, .keyValue: return true
            case .blank, .comment: return false
            }
        }
    }

    /// The document's scalars, without a leading byte-order mark.
    let scalars: [Unicode.Scalar]
    /// The byte-order mark the text started with, or "".
    let byteOrderMark: String
    /// The items, covering `scalars` exactly, in order.
    let items: [Item]
    /// The line end the file uses (`"\r\n"` when its first line ends so), for the lines the rewriter adds.
    let newline: String

    init(text: String) throws {
        var parser = TOMLDocumentParser(text: text)
        scalars = parser.scalars
        byteOrderMark = text.unicodeScalars.first == "\u{FEFF}" ? "\u{FEFF}" : ""
        if let lineFeed = scalars.firstIndex(of: "\n"), lineFeed > 0, scalars[lineFeed - 1] == "\r" {
            newline = "\r\n"
        } else {
            newline = "\n"
        }
        do {
            items = try Self.scan(&parser)
        } catch {
            throw ConfigurationRewriteError.invalidTOML(error)
        }
    }

    /// Walks the document line by line with the project's TOML lexer.
    private static func scan(_ parser: inout TOMLDocumentParser) throws(TOMLSyntaxError) -> [Item] {
        var items: [Item] = []
        var tablePath: [String] = []
        while parser.position.index < parser.scalars.count {
            let start = parser.position.index
            parser.skipWhitespace()
            let kind: Kind
            switch parser.peek() {
            case nil:
                kind = .blank
            case "#":
                try parser.skipComment()
                _ = try parser.consumeNewline()
                kind = .comment
            case "\n", "\r":
                _ = try parser.consumeNewline()
                kind = .blank
            case "[":
                let isArray = parser.lookingAt("[[")
                parser.advance(by: isArray ? 2 : 1)
                let path = try parser.parseKey().map(\.name)
                parser.skipWhitespace()
                let close = isArray ? "]]" : "]"
                guard parser.lookingAt(close) else {
                    throw parser.error("expected `\(close)` to close the table header, found \(parser.describeCurrent())")
                }
                parser.advance(by: close.unicodeScalars.count)
                try parser.expectEndOfLine(after: "the table header")
                tablePath = path
                kind = .header(path: path, isArray: isArray)
            default:
                let key = try parser.parseKey().map(\.name)
                parser.skipWhitespace()
                guard parser.peek() == "=" else {
                    throw parser.error("expected `=` after a key, found \(parser.describeCurrent())")
                }
                parser.advance()
                parser.skipWhitespace()
                let valueStart = parser.position.index
                _ = try parser.parseValue()
                let valueEnd = parser.position.index
                try parser.expectEndOfLine(after: "the value")
                kind = .keyValue(path: tablePath + key, value: valueStart..<valueEnd)
            }
            items.append(Item(range: start..<parser.position.index, kind: kind))
        }
        return items
    }

    /// The text of the items in `range`.
    private func text(ofItems range: Range<Int>) -> String {
        guard let first = range.first, let last = range.last else { return "" }
        return text(items[first].range.lowerBound..<items[last].range.upperBound)
    }

    /// The text of a scalar range.
    private func text(_ range: Range<Int>) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars[range])
        return result
    }

    // MARK: Regions

    /// The item ranges that belong to shards tables, merged and in order. Empty when there is no `[[shards]]` table.
    func shardsRegions() -> [Range<Int>] {
        let headers = items.indices.filter { items[$0].headerPath != nil }
        var regions: [Range<Int>] = []
        var isFirst = true
        for (position, header) in headers.enumerated() where items[header].isShardsHeader {
            let next = position + 1 < headers.count ? headers[position + 1] : nil
            var start = header
            if !isFirst {
                // A comment block directly above a later shards header describes that shard.
                while start > 0, items[start - 1].isComment {
                    start -= 1
                }
            }
            isFirst = false
            let end: Int
            if let next, items[next].isShardsHeader {
                end = next
            } else {
                end = trailingEnd(of: header, nextHeader: next)
            }
            if let last = regions.last, last.upperBound >= start {
                regions[regions.count - 1] = last.lowerBound..<max(last.upperBound, end)
            } else {
                regions.append(start..<end)
            }
        }
        return regions
    }

    /// Where a shards table that is followed by another table (or by the end of the file) ends: after its last
    /// key, the comment lines directly under it, and the blank lines after those; before the comment block that
    /// sits directly above the next header, and before a free-standing comment block.
    private func trailingEnd(of header: Int, nextHeader: Int?) -> Int {
        var limit = nextHeader ?? items.count
        if nextHeader != nil {
            while limit > header + 1, items[limit - 1].isComment {
                limit -= 1
            }
        }
        var end = header + 1
        for index in (header + 1)..<limit where items[index].isContent {
            end = index + 1
        }
        while end < limit, items[end].isComment {
            end += 1
        }
        while end < limit, items[end].isBlank {
            end += 1
        }
        return end
    }

    // MARK: Rewriting

    /// The document with `shards` in place of the shards tables and `ring.version` set to `ringVersion`.
    func rewritten(shards: [ShardEntry], ringVersion: Int) throws -> String {
        let regions = shardsRegions()
        guard let first = regions.first else { throw ConfigurationRewriteError.noShardsTable }
        let versionText = String(ringVersion)

        // Where version goes: an existing `ring.version` key (replaced in place), or after the `[ring]` header.
        let versionItem = items.firstIndex { item in
            if case .keyValue(let path, _) = item.kind { return path == ["ring", "version"] }
            return false
        }
        let ringHeader = items.firstIndex { $0.kind == .header(path: ["ring"], isArray: false) }

        func isRemoved(_ index: Int) -> Bool { regions.contains { $0.contains(index) } }

        /// The kept items of `range`, with the version change applied.
        func keptText(_ range: Range<Int>) -> String {
            var result = ""
            for index in range where !isRemoved(index) {
                let item = items[index]
                if index == versionItem, case .keyValue(_, let value) = item.kind {
                    result += text(item.range.lowerBound..<value.lowerBound) + versionText
                        + text(value.upperBound..<item.range.upperBound)
                } else {
                    result += text(item.range)
                    if versionItem == nil, index == ringHeader {
                        if !item.range.isEmpty, scalars[item.range.upperBound - 1] != "\n" {
                            result += newline
                        }
                        result += "version = \(versionText)" + newline
                    }
                }
            }
            return result
        }

        let prefix = keptText(0..<first.lowerBound)
        let suffix = keptText(first.upperBound..<items.count)
        let rendered = shards.map { ConfigurationRewriter.render($0, newline: newline) }.joined(separator: newline)
        var result = byteOrderMark + prefix + rendered
        if !suffix.isEmpty {
            result += newline + suffix
        }
        if versionItem == nil, ringHeader == nil {
            if !result.hasSuffix(newline) {
                result += newline
            }
            if !result.hasSuffix(newline + newline) {
                result += newline
            }
            result += "[ring]" + newline + "version = \(versionText)" + newline
        }
        return result
    }
}

// MARK: - Atomic write

/// Replaces a file's contents atomically (write a temporary file beside it, fsync, rename, fsync the directory).
struct AtomicFileWriter {
    /// The path given by the caller, for messages.
    let path: String

    func write(_ bytes: [UInt8]) throws {
        let target = resolvedTarget()
        let directory = Self.directory(of: target)
        let fileName = target.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? target

        var existing = stat()
        let exists = stat(target, &existing) == 0

        var template = Array((directory + "/." + fileName + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in
            mkstemp(buffer.baseAddress!)
        }
        guard fd >= 0 else { throw failure("creating a temporary file in \(directory)") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var renamed = false
        var closed = false
        defer {
            if !closed { close(fd) }
            if !renamed { unlink(temporary) }
        }

        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                posixWrite(fd, buffer.baseAddress! + written, bytes.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw failure("writing \(temporary)")
            }
            written += result
        }
        if exists {
            // Best effort: an unprivileged process cannot give the file to another owner; the mode is what matters.
            if existing.st_uid != geteuid() || existing.st_gid != getegid() {
                _ = fchown(fd, existing.st_uid, existing.st_gid)
            }
            guard fchmod(fd, existing.st_mode & 0o7777) == 0 else { throw failure("setting the mode of \(temporary)") }
        }
        guard fsync(fd) == 0 else { throw failure("fsync of \(temporary)") }
        closed = true
        guard close(fd) == 0 else { throw failure("closing \(temporary)") }
        guard rename(temporary, target) == 0 else { throw failure("renaming \(temporary) to \(target)") }
        renamed = true

        let directoryFD = open(directory, O_RDONLY)
        guard directoryFD >= 0 else { throw failure("opening the directory \(directory)") }
        defer { close(directoryFD) }
        guard fsync(directoryFD) == 0 else { throw failure("fsync of the directory \(directory)") }
    }

    /// The file to replace: `path`, or the file a symbolic link at `path` finally points to.
    private func resolvedTarget() -> String {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK, let resolved = realpath(path, nil) else {
            return path
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The directory part of `path` ("." when there is none).
    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    private func failure(_ step: String) -> ConfigurationRewriteError {
        .writeFailed(path: path, step: step, errno: errno)
    }
}

/// `write(2)`, under a name that does not collide with `AtomicFileWriter.write`.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
