import PGWire

/// What the frontend messages sent to a server commit it to answer: the number of ReadyForQuery
/// messages still owed and whether extended-protocol messages were sent after the last Sync.
/// Used to decide whether a server connection is clean when a client lets it go: by the server connection
/// (any mode) and by ``TransactionMultiplexer`` (transaction mode, on the client's side).
public struct FrontendAccounting: Sendable, Equatable {
    /// ReadyForQuery messages the server still owes.
    public internal(set) var readyForQueryOutstanding = 0
    /// True when Parse/Bind/Describe/Execute/Close/Flush were sent and no Sync followed yet.
    public internal(set) var unsynced = false

    /// Nothing sent yet.
    public init() {}

    /// Accounts for one frontend message sent to the server.
    public mutating func sent(_ id: UInt8) {
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
    public mutating func sent(_ batch: FrameBatch) {
        batch.forEachFrameID { id, _ in
            sent(id)
            return true
        }
    }

    /// The server sent ReadyForQuery.
    public mutating func readyForQueryReceived() {
        if readyForQueryOutstanding > 0 { readyForQueryOutstanding -= 1 }
    }
}
