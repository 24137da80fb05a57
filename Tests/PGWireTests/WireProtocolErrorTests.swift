import PGWire
import Testing

/// Every error has a message a person can act on and the SQLSTATE PostgreSQL would use.
@Suite struct WireProtocolErrorTests {
    @Test(arguments: [
        (WireProtocolError.invalidLength(3), "invalid message length 3", "08P01"),
        (.messageTooLarge(300, limit: 200), "message length 300 exceeds the limit of 200 bytes", "08P01"),
        (.startupPacketTooLarge, "invalid length of startup packet (more than 10000 bytes)", "08P01"),
        (.unsupportedProtocolVersion(0x0002_0000), "unsupported frontend protocol 2.0: server supports 3.0 to 3.x", "0A000"),
        (.bytesAfterEncryptionRequest, "received unencrypted data after SSL request", "08P01"),
        (.bytesAfterEncryptionResponse, "received unencrypted data after SSL response", "08P01"),
        (.bytesAfterCancelRequest, "unexpected data after cancel request", "08P01"),
        (.unexpectedEncryptionResponse(0x52), "received invalid response to SSL negotiation: byte 82", "08P01"),
        (.unexpectedMessageID(expected: 0x51, actual: 0x01), "expected message type 'Q' (0x51), got 0x1", "08P01"),
        (.malformed("invalid Bind message: x"), "invalid Bind message: x", "08P01"),
    ])
    func descriptionAndSQLState(error: WireProtocolError, text: String, sqlState: String) {
        #expect(error.description == text)
        #expect(error.sqlState == sqlState)
    }

    @Test func limitsMatchPostgreSQL() {
        #expect(WireLimits.maxStartupPacketLength == 10_000)
        #expect(WireLimits.defaultMaxMessageSize == 268_435_456)
        #expect(WireLimits.maxCancelKeyLength == 256)
    }
}
