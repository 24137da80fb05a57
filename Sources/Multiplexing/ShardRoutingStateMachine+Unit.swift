import NIOCore
import PGWire

extension ShardRoutingStateMachine {
    /// One unit of frontend frames: what ``ShardRoutingStateMachine`` routes as a whole.
    struct Unit {
        /// How a unit starts.
        enum Kind: Equatable {
            /// A simple Query.
            case query
            /// A FunctionCall (routed like a statement with no table, on a primary).
            case functionCall
            /// CopyData, CopyDone or CopyFail: part of a COPY under way on the held server.
            case copy
            /// Extended-protocol messages (Parse, Bind, Describe, Execute, Close, Flush, Sync).
            case extended
        }

        /// The frames (a slice of the pending buffer, starting at its reader index).
        var bytes: ByteBuffer
        /// Its length in bytes.
        var length: Int { bytes.readableBytes }
        var kind: Kind
        /// True when the unit ends with its Sync (or is a single Query/FunctionCall/copy message).
        var isComplete: Bool

        /// The next unit at the start of `pending`, or nil when more bytes must arrive first. `continuing` is
        /// true when the held server already has an open pipeline: its messages may be sent before the Sync.
        static func scan(_ pending: ByteBuffer, continuing: Bool) -> Unit? {
            var end = 0
            var kind: Kind?
            var complete = false
            var lastID: UInt8 = 0
            var interrupted = false
            FrameBatch(validatedBytes: pending).forEachFrame { message, offset in
                switch message.id {
                case FrontendMessageID.query.rawValue, FrontendMessageID.functionCall.rawValue,
                     FrontendMessageID.copyData.rawValue, FrontendMessageID.copyDone.rawValue,
                     FrontendMessageID.copyFail.rawValue:
                    guard kind == nil else {
                        interrupted = true
                        return false
                    }
                    switch message.id {
                    case FrontendMessageID.query.rawValue: kind = .query
                    case FrontendMessageID.functionCall.rawValue: kind = .functionCall
                    default: kind = .copy
                    }
                    end = offset + message.totalLength
                    complete = true
                    return false
                default:
                    kind = .extended
                    end = offset + message.totalLength
                    lastID = message.id
                    if message.id == FrontendMessageID.sync.rawValue {
                        complete = true
                        return false
                    }
                    return true
                }
            }
            guard let kind, end > 0 else { return nil }
            if !complete {
                // Extended messages without their Sync yet: send them only when the client waits for answers
                // (Flush) or a pipeline is already open on the held server; otherwise wait for the rest.
                // A simple Query right after them (no Sync) also lets them go, in order.
                guard lastID == FrontendMessageID.flush.rawValue || continuing || interrupted else { return nil }
            }
            guard let bytes = pending.getSlice(at: pending.readerIndex, length: end) else { return nil }
            return Unit(bytes: bytes, kind: kind, isComplete: complete)
        }

        /// The whole frame of `message` found at `offset` by ``forEachMessageWithOffset(_:)``.
        func frame(at offset: Int, length: Int) -> ByteBuffer {
            bytes.getSlice(at: bytes.readerIndex + offset, length: length) ?? ByteBuffer()
        }

        /// Calls `body` for each frame of the unit with its offset.
        func forEachMessageWithOffset(_ body: (RawMessage, Int) -> Void) {
            FrameBatch(validatedBytes: bytes).forEachFrame { message, offset in
                body(message, offset)
                return true
            }
        }

        /// Calls `body` for each frame of the unit.
        func forEachMessage(_ body: (RawMessage) -> Void) {
            forEachMessageWithOffset { message, _ in body(message) }
        }
    }
}
