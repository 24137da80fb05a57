import NIOCore
import PGWire
import Testing

import Multiplexing

/// What a server owes for the frontend messages sent to it decides whether it is clean on release.
@Suite("FrontendAccounting")
struct FrontendAccountingTests {
    static func frames(_ ids: String) -> FrameBatch {
        var bytes = ByteBuffer()
        for id in ids.utf8 {
            bytes.writeInteger(id)
            bytes.writeInteger(Int32(4))
        }
        return FrameBatch(validatedBytes: bytes)
    }

    @Test(arguments: [
        ("Q", 1, false), ("S", 1, false), ("F", 1, false),
        ("PBDES", 1, false), ("PBDE", 0, true), ("PBDESPBE", 1, true), ("QQQ", 3, false),
        ("H", 0, true), ("d", 0, false), ("", 0, false), ("PBESQ", 2, false),
    ])
    func sentBatches(_ ids: String, _ owed: Int, _ unsynced: Bool) {
        var accounting = FrontendAccounting()
        accounting.sent(Self.frames(ids))
        #expect(accounting.readyForQueryOutstanding == owed)
        #expect(accounting.unsynced == unsynced)
    }

    @Test func readyForQueryPaysOneAndNeverGoesNegative() {
        var accounting = FrontendAccounting()
        accounting.sent(Self.frames("QQ"))
        accounting.readyForQueryReceived()
        #expect(accounting.readyForQueryOutstanding == 1)
        accounting.readyForQueryReceived()
        accounting.readyForQueryReceived()
        #expect(accounting.readyForQueryOutstanding == 0)
    }
}
