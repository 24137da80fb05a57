import NIOCore
import PGWire
import Routing

extension TransactionMultiplexer {
    /// Accounts for a batch of frontend frames (whole, validated frames) the client sends to the server it holds,
    /// and returns the bytes to send instead: the same buffer when nothing needs rewriting, otherwise a new one
    /// with named statements renamed, missing statements prepared first and room made in the server's cache.
    /// `server` is the session state of the server connection the client holds.
    public mutating func frontend(_ bytes: ByteBuffer, server: inout ServerSessionState) -> ByteBuffer {
        var rewriter = FrameRewriter(original: bytes)
        FrameBatch(validatedBytes: bytes).forEachFrame { message, offset in
            frontendMessage(message, offset: offset, server: &server, rewriter: &rewriter)
            return true
        }
        return rewriter.finish()
    }

    /// ``frontend(_:server:)`` for a routed unit: first sends `silentQueries` (pgring's own Queries, such as a
    /// deferred BEGIN, whose answers the client never sees), then the client's frames; when `statusOverride`
    /// is set, the ReadyForQuery answering these frames shows the client that status instead of the server's.
    public mutating func frontend(
        _ bytes: ByteBuffer, server: inout ServerSessionState, silentQueries: [String], statusOverride: TransactionStatus?
    ) -> ByteBuffer {
        guard !silentQueries.isEmpty || statusOverride != nil else { return frontend(bytes, server: &server) }
        var output = ByteBuffer()
        for sql in silentQueries {
            FrameWriter.query(sql, into: &output)
            accounting.sent(FrontendMessageID.query.rawValue)
            openSegment.dropsAllAnswers = true
            openSegment.isListed = true
            endSegment()
        }
        currentStatusOverride = statusOverride
        var rewritten = frontend(bytes, server: &server)
        currentStatusOverride = nil
        output.writeBuffer(&rewritten)
        return output
    }

    /// Records a client's Parse that pgring answered itself (a statement it ran locally, such as a deferred
    /// BEGIN): no server has it yet, so the first Bind or Describe of it prepares it where the client is then.
    public mutating func registerUnsentParse(_ frame: ByteBuffer) {
        FrameBatch(validatedBytes: frame).forEachFrame { message, _ in
            var payload = message.payload
            guard message.id == FrontendMessageID.parse.rawValue, let name = Self.readCString(&payload), !name.isEmpty,
                  maxPreparedStatements > 0 else { return false }
            statements[name] = ClientStatement(globalName: StatementNaming.globalName(forParseBody: payload), parseBody: payload)
            return false
        }
    }

    private mutating func frontendMessage(
        _ message: RawMessage, offset: Int, server: inout ServerSessionState, rewriter: inout FrameRewriter
    ) {
        accounting.sent(message.id)
        switch message.id {
        case FrontendMessageID.query.rawValue:
            query(message, offset: offset, server: &server, rewriter: &rewriter)
            endSegment()
        case FrontendMessageID.sync.rawValue, FrontendMessageID.functionCall.rawValue:
            endSegment()
        case FrontendMessageID.parse.rawValue:
            parse(message, offset: offset, server: &server, rewriter: &rewriter)
        case FrontendMessageID.bind.rawValue:
            bind(message, offset: offset, server: &server, rewriter: &rewriter)
        case FrontendMessageID.describe.rawValue:
            describe(message, offset: offset, server: &server, rewriter: &rewriter)
        case FrontendMessageID.close.rawValue:
            close(message, offset: offset, rewriter: &rewriter)
        default:
            // Execute, Flush, CopyData, CopyDone, CopyFail and anything else: relayed as they are.
            break
        }
    }

    /// A Query, Sync or FunctionCall (already counted by `accounting`): the open segment ends.
    private mutating func endSegment() {
        if let currentStatusOverride {
            openSegment.statusOverride = currentStatusOverride
            openSegment.isListed = true
        }
        if openSegment.isListed {
            listedSegments[segmentsSent] = openSegment
        }
        openSegment.reset()
        segmentsSent &+= 1
    }

    // MARK: - Simple query

    private mutating func query(
        _ message: RawMessage, offset: Int, server: inout ServerSessionState, rewriter: inout FrameRewriter
    ) {
        let payload = message.payload
        guard payload.withUnsafeReadableBytes({ SessionEffectAnalyzer.mayHaveEffects(bytes: $0) }) else { return }
        let sql = Self.cString(payload) ?? ""
        let effects = SessionEffectAnalyzer.effects(of: sql)
        guard !effects.isEmpty else { return }
        noteEffects(effects)
        // `DEALLOCATE name` of a renamed statement, alone in its Query: deallocate the pgring-wide name.
        if effects.count == 1, case .deallocate(let name) = effects[0], maxPreparedStatements > 0,
           let statement = statements[name], Self.isSingleStatement(sql) {
            var frames = ByteBuffer()
            ensurePrepared(statement, server: &server, into: &frames)
            FrameWriter.query("DEALLOCATE " + Self.quoteIdentifier(statement.globalName), into: &frames)
            rewriter.replace(frameAt: offset, length: message.totalLength, with: frames)
        }
    }

    /// Records the effects of statements sent in the open segment; pins take effect at once (conservative).
    mutating func noteEffects(_ effects: [SessionEffect]) {
        for effect in effects {
            switch effect {
            case .pin(let reason): pins.insert(reason)
            case .listen(let channel): listening.insert(channel)
            case .set, .reset, .resetAll, .discardAll, .discardTemporary, .deallocate, .deallocateAll, .unlisten, .unlistenAll:
                break
            }
        }
        openSegment.effects.append(contentsOf: effects)
        openSegment.isListed = true
    }

    // MARK: - Extended query

    private mutating func parse(
        _ message: RawMessage, offset: Int, server: inout ServerSessionState, rewriter: inout FrameRewriter
    ) {
        var payload = message.payload
        guard let name = Self.readCString(&payload) else {
            openSegment.parses.append(.relay)
            return
        }
        // Session effects of the SQL (SET through the extended protocol, advisory locks...) take place when
        // the statement is executed: remembered here, noted at each Bind.
        var effects: [SessionEffect] = []
        if payload.withUnsafeReadableBytes({ SessionEffectAnalyzer.mayHaveEffects(bytes: $0) }) {
            effects = SessionEffectAnalyzer.effects(of: Self.cString(payload) ?? "")
        }
        if effects.isEmpty {
            if !statementEffects.isEmpty { statementEffects[name] = nil }
        } else {
            statementEffects[name] = effects
        }
        guard !name.isEmpty, maxPreparedStatements > 0 else {
            openSegment.parses.append(.relay)
            return
        }
        let statement = ClientStatement(globalName: StatementNaming.globalName(forParseBody: payload), parseBody: payload)
        statements[name] = statement
        var frames = ByteBuffer()
        if server.statements.contains(statement.globalName) {
            // Another client (or this one) prepared it here already: close and prepare again, so the client
            // gets the ParseComplete (or the error) it expects.
            FrameWriter.close(kind: UInt8(ascii: "S"), name: statement.globalName, into: &frames)
            openSegment.closes.append(.drop(globalName: nil))
            server.statements.touch(statement.globalName)
        } else if let evicted = server.statements.insert(statement.globalName) {
            FrameWriter.close(kind: UInt8(ascii: "S"), name: evicted, into: &frames)
            openSegment.closes.append(.drop(globalName: nil))
        }
        FrameWriter.parse(name: statement.globalName, body: statement.parseBody, into: &frames)
        openSegment.parses.append(.trackClientParse(globalName: statement.globalName, clientName: name))
        openSegment.isListed = true
        rewriter.replace(frameAt: offset, length: message.totalLength, with: frames)
    }

    private mutating func bind(
        _ message: RawMessage, offset: Int, server: inout ServerSessionState, rewriter: inout FrameRewriter
    ) {
        var payload = message.payload
        guard let portal = Self.readCString(&payload), let name = Self.readCString(&payload) else { return }
        if !statementEffects.isEmpty, let effects = statementEffects[name] {
            noteEffects(effects)
        }
        guard !name.isEmpty, maxPreparedStatements > 0, let statement = statements[name] else { return }
        var frames = ByteBuffer()
        ensurePrepared(statement, server: &server, into: &frames)
        FrameWriter.bind(portal: portal, statement: statement.globalName, rest: payload, into: &frames)
        rewriter.replace(frameAt: offset, length: message.totalLength, with: frames)
    }

    private mutating func describe(
        _ message: RawMessage, offset: Int, server: inout ServerSessionState, rewriter: inout FrameRewriter
    ) {
        var payload = message.payload
        guard let kind = payload.readInteger(as: UInt8.self), kind == UInt8(ascii: "S"),
              let name = Self.readCString(&payload), !name.isEmpty,
              maxPreparedStatements > 0, let statement = statements[name] else { return }
        var frames = ByteBuffer()
        ensurePrepared(statement, server: &server, into: &frames)
        FrameWriter.describe(kind: kind, name: statement.globalName, into: &frames)
        rewriter.replace(frameAt: offset, length: message.totalLength, with: frames)
    }

    private mutating func close(_ message: RawMessage, offset: Int, rewriter: inout FrameRewriter) {
        openSegment.closes.append(.relay)
        var payload = message.payload
        guard let kind = payload.readInteger(as: UInt8.self), kind == UInt8(ascii: "S"),
              let name = Self.readCString(&payload) else { return }
        if !statementEffects.isEmpty { statementEffects[name] = nil }
        guard !name.isEmpty, maxPreparedStatements > 0, statements.removeValue(forKey: name) != nil else { return }
        // The pgring-wide statement stays on the server for other clients; the client gets its CloseComplete
        // from closing a name nothing has ("It is not an error to issue Close against a nonexistent
        // statement", protocol 55.2.3).
        var frames = ByteBuffer()
        FrameWriter.close(kind: kind, name: StatementNaming.nothing, into: &frames)
        rewriter.replace(frameAt: offset, length: message.totalLength, with: frames)
    }

    /// Writes a Parse of the statement first when the server lacks it (its answer dropped), making room.
    private mutating func ensurePrepared(_ statement: ClientStatement, server: inout ServerSessionState, into frames: inout ByteBuffer) {
        if server.statements.contains(statement.globalName) {
            server.statements.touch(statement.globalName)
            return
        }
        if let evicted = server.statements.insert(statement.globalName) {
            FrameWriter.close(kind: UInt8(ascii: "S"), name: evicted, into: &frames)
            openSegment.closes.append(.drop(globalName: nil))
        }
        FrameWriter.parse(name: statement.globalName, body: statement.parseBody, into: &frames)
        openSegment.parses.append(.drop(globalName: statement.globalName))
        openSegment.isListed = true
    }

    // MARK: - Helpers

    /// Reads a NUL-terminated string, moving the reader index past it; nil when there is no terminator.
    static func readCString(_ buffer: inout ByteBuffer) -> String? {
        guard let end = buffer.readableBytesView.firstIndex(of: 0) else { return nil }
        let length = end - buffer.readerIndex
        let text = buffer.readString(length: length)
        buffer.moveReaderIndex(forwardBy: 1)
        return text
    }

    /// The NUL-terminated string at the start of a buffer (lossy UTF-8), nil when there is no terminator.
    static func cString(_ buffer: ByteBuffer) -> String? {
        guard let end = buffer.readableBytesView.firstIndex(of: 0) else { return nil }
        return String(decoding: buffer.readableBytesView[buffer.readerIndex..<end], as: UTF8.self)
    }

    /// `"name"` with embedded quotes doubled.
    static func quoteIdentifier(_ name: String) -> String {
        var quoted = "\""
        for character in name {
            quoted.append(character)
            if character == "\"" { quoted.append(character) }
        }
        return quoted + "\""
    }

    /// True when the SQL holds exactly one statement (comments and a trailing `;` allowed).
    static func isSingleStatement(_ sql: String) -> Bool {
        var sawSemicolon = false
        for token in SQLLexer.tokenize(sql) where !token.isComment {
            if sawSemicolon { return false }
            if token.isSymbol(";") { sawSemicolon = true }
        }
        return true
    }
}
