import NIOCore
import PGWire
import Routing

extension TransactionMultiplexer {
    /// Accounts for a batch of backend frames from the server the client holds and returns what to relay to the
    /// client (nil when every frame was an answer to pgring's own messages). `readyForQueryCount` and
    /// `lastStatus` are what the server connection already counted in this batch, so a batch that needs no
    /// change is not walked again.
    public mutating func backend(
        _ bytes: ByteBuffer, readyForQueryCount: Int, lastStatus: TransactionStatus?, server: inout ServerSessionState
    ) -> ByteBuffer? {
        guard mustScanAnswers else {
            for _ in 0..<max(0, readyForQueryCount) { accounting.readyForQueryReceived() }
            segmentsAnswered &+= UInt64(max(0, readyForQueryCount))
            if let lastStatus { transactionStatus = lastStatus }
            return bytes
        }
        var output: ByteBuffer?
        var dropped = false
        FrameBatch(validatedBytes: bytes).forEachFrame { message, offset in
            switch answer(message, server: &server) {
            case .relay:
                if dropped {
                    var frame = bytes.getSlice(at: bytes.readerIndex + offset, length: message.totalLength) ?? ByteBuffer()
                    output?.writeBuffer(&frame)
                }
            case .drop:
                if !dropped {
                    dropped = true
                    output = bytes.getSlice(at: bytes.readerIndex, length: offset) ?? ByteBuffer()
                }
            case .replace(let status):
                if !dropped {
                    dropped = true
                    output = bytes.getSlice(at: bytes.readerIndex, length: offset) ?? ByteBuffer()
                }
                var frame = ByteBuffer()
                ReadyForQuery(transactionStatus: status).encode(into: &frame)
                output?.writeBuffer(&frame)
            }
            return true
        }
        guard dropped else { return bytes }
        guard let output, output.readableBytes > 0 else { return nil }
        return output
    }

    /// What to do with one backend message while answers are scanned.
    enum AnswerAction {
        /// Relay it.
        case relay
        /// It answers pgring's own message: drop it.
        case drop
        /// A ReadyForQuery shown to the client with another status.
        case replace(TransactionStatus)
    }

    /// One backend message while answers are scanned.
    private mutating func answer(_ message: RawMessage, server: inout ServerSessionState) -> AnswerAction {
        if segmentsAnswered < segmentsSent, let segment = listedSegments[segmentsAnswered],
           segment.dropsAllAnswers || segment.statusOverride != nil {
            guard message.id == BackendMessageID.readyForQuery.rawValue else {
                if segment.dropsAllAnswers { return .drop }
                return answerInSegment(message, server: &server) ? .relay : .drop
            }
            let status = (try? ReadyForQuery.decode(from: message))?.transactionStatus ?? .idle
            if segment.dropsAllAnswers {
                // pgring's own Query: its ReadyForQuery counts but says nothing to the client's effects.
                accounting.readyForQueryReceived()
                transactionStatus = status
                listedSegments[segmentsAnswered] = nil
                segmentsAnswered &+= 1
                return .drop
            }
            segmentAnswered(status: status, server: &server)
            return .replace(segment.statusOverride ?? status)
        }
        return answerInSegment(message, server: &server) ? .relay : .drop
    }

    /// One backend message of an ordinary segment; returns false when it answers pgring's own message.
    private mutating func answerInSegment(_ message: RawMessage, server: inout ServerSessionState) -> Bool {
        switch message.id {
        case BackendMessageID.parseComplete.rawValue:
            return withAnsweringSegment { segment in
                guard segment.parsesAnswered < segment.parses.count else { return true }
                let entry = segment.parses[segment.parsesAnswered]
                segment.parsesAnswered += 1
                if case .drop = entry { return false }
                return true
            }
        case BackendMessageID.closeComplete.rawValue:
            return withAnsweringSegment { segment in
                guard segment.closesAnswered < segment.closes.count else { return true }
                let entry = segment.closes[segment.closesAnswered]
                segment.closesAnswered += 1
                if case .drop = entry { return false }
                return true
            }
        case BackendMessageID.errorResponse.rawValue:
            answerHadError = true
            return true
        case BackendMessageID.commandComplete.rawValue:
            if let complete = try? CommandComplete.decode(from: message), complete.tag == "ROLLBACK" {
                answerHadRollback = true
            }
            return true
        case BackendMessageID.readyForQuery.rawValue:
            let status = (try? ReadyForQuery.decode(from: message))?.transactionStatus ?? .idle
            segmentAnswered(status: status, server: &server)
            return true
        default:
            return true
        }
    }

    /// Runs `body` on the segment being answered when it is listed; true (relay) otherwise.
    private mutating func withAnsweringSegment(_ body: (inout Segment) -> Bool) -> Bool {
        if segmentsAnswered == segmentsSent {
            guard openSegment.isListed else { return true }
            return body(&openSegment)
        }
        guard var segment = listedSegments[segmentsAnswered] else { return true }
        let relay = body(&segment)
        listedSegments[segmentsAnswered] = segment
        return relay
    }

    /// A ReadyForQuery ended the segment being answered: forget what did not get prepared, apply or keep the
    /// session effects according to how the transaction ended.
    private mutating func segmentAnswered(status: TransactionStatus, server: inout ServerSessionState) {
        accounting.readyForQueryReceived()
        transactionStatus = status
        let segment = segmentsAnswered < segmentsSent ? listedSegments.removeValue(forKey: segmentsAnswered) : nil
        segmentsAnswered &+= 1
        if let segment {
            // Parses never answered were skipped after an error: the statement is not on the server.
            for entry in segment.parses.dropFirst(segment.parsesAnswered) {
                switch entry {
                case .relay:
                    break
                case .drop(let globalName):
                    if let globalName { server.statements.remove(globalName) }
                case .trackClientParse(let globalName, let clientName):
                    server.statements.remove(globalName)
                    if statements[clientName]?.globalName == globalName { statements[clientName] = nil }
                }
            }
        }
        let effects = segment?.effects ?? []
        switch status {
        case .inTransaction:
            if !answerHadError { transactionEffects.append(contentsOf: effects) }
        case .failedTransaction:
            transactionEffects = []
        case .idle:
            if !answerHadError && !answerHadRollback {
                apply(transactionEffects + effects, server: &server)
            }
            transactionEffects = []
        }
        answerHadError = false
        answerHadRollback = false
    }
}
