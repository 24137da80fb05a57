import Testing
@testable import Routing

extension ReplicaSelectionTests {
    /// `LSN` text form (PostgreSQL `pg_lsn_in`/`pg_lsn_out`), ordering and byte distance.
    @Suite struct LSNTests {
        /// Text -> value; each prints back as the canonical text.
        static let parseCases: [(String, UInt64, String)] = [
            ("0/0", 0, "0/0"),
            ("16/B374D848", 0x16_B374_D848, "16/B374D848"),
            ("16/b374d848", 0x16_B374_D848, "16/B374D848"),
            ("0/1", 1, "0/1"),
            ("1/0", 1 << 32, "1/0"),
            ("FFFFFFFF/FFFFFFFF", UInt64.max, "FFFFFFFF/FFFFFFFF"),
            ("00000000/00000000", 0, "0/0"),
            ("0/0300A1B8", 0x0300_A1B8, "0/300A1B8"),
            ("aBc/DeF", 0xABC_0000_0DEF, "ABC/DEF"),
        ]

        @Test(arguments: parseCases)
        func parsesAndPrints(text: String, value: UInt64, canonical: String) {
            let lsn = LSN(text)
            #expect(lsn?.value == value)
            #expect(lsn?.description == canonical)
            #expect(LSN(canonical) == lsn)
        }

        @Test(arguments: [0, 1, 0xFFFF_FFFF, 1 << 32, 0x16_B374_D848, UInt64.max - 1, UInt64.max] as [UInt64])
        func roundTripsValues(value: UInt64) {
            #expect(LSN(LSN(value).description) == LSN(value))
        }

        @Test(arguments: [
            "", "1", "1/", "/1", "/", "G/1", "1/G", "123456789/0", "0/123456789", " 1/2", "1/2 ", "1 /2", "1/ 2",
            "1/2/3", "+1/2", "1/-2", "0x1/2", "1\u{0}/2", "１/2",
        ])
        func rejectsMalformed(text: String) {
            #expect(LSN(text) == nil)
        }

        @Test func ordersByPosition() {
            let sorted = ["1/0", "0/FFFFFFFF", "0/0", "A/1", "0/10", "0/9"].compactMap(LSN.init).sorted()
            #expect(sorted.map(\.description) == ["0/0", "0/9", "0/10", "0/FFFFFFFF", "1/0", "A/1"])
            #expect(ReplicaSelectionTests.lsn("0/9") < ReplicaSelectionTests.lsn("0/10"))
            #expect(ReplicaSelectionTests.lsn("1/0") > ReplicaSelectionTests.lsn("0/FFFFFFFF"))
        }

        /// (later, earlier, bytes)
        @Test(arguments: [
            ("16/B374D848", "16/B374D848", 0),
            ("0/100", "0/0", 256),
            ("1/0", "0/FFFFFFFF", 1),
            ("1/10", "0/20", 0x1_0000_0000 - 0x10),
            ("0/0", "0/1", 0),
            ("0/0", "FFFFFFFF/FFFFFFFF", 0),
            ("FFFFFFFF/FFFFFFFF", "0/0", UInt64.max),
        ] as [(String, String, UInt64)])
        func byteDistanceSaturates(later: String, earlier: String, bytes: UInt64) {
            #expect(ReplicaSelectionTests.lsn(later).bytes(since: ReplicaSelectionTests.lsn(earlier)) == bytes)
        }
    }
}
