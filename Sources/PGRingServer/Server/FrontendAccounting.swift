import PGWire

/// What the frontend messages sent to a server commit it to answer: the number of ReadyForQuery
/// messages still owed and whether extended-protocol messages were sent after the last Sync.
/// Used to decide whether a server connection is clean when a client lets it go.
struct FrontendAccounting: Equatable {
    /// ReadyForQuery messages the server still owes.
    var readyForQueryOutstanding = 0
    /// True when Parse/Bind/Describe/Execute/Close/Flush were sent and no Sync followed yet.
    var unsynced = false

    /// Accounts for one frontend message sent to the server.
    mutating func sent(_ id: UInt8) {
        switch id {
        case FrontendMessageID.query.rawValue, FrontendMessageID.sync.rawValue, FrontendMessageID.functionCall.rawValue:
            readyForQueryOutstanding += 1
            unsynced = false
        case FrontendMessageID.parse.rawValue, FrontendMessageID.bind.rawValue, FrontendMessageID.describe.rawValue,
             FrontendMessageID.execute.rawValue, FrontendMessageID.close.rawValue, FrontendMessageID.flush.rawValue:
            unsynced = true
        default:
            break
        }
    }

    /// Accounts for every frame of a batch sent to the server.
    mutating func sent(_ batch: FrameBatch) {
        batch.forEachFrame { message, _ in
            sent(message.id)
            return true
        }
    }

    /// The server sent ReadyForQuery.
    mutating func readyForQueryReceived() {
        if readyForQueryOutstanding > 0 { readyForQueryOutstanding -= 1 }
    }
}
