extension SCRAMServerStateMachine {
    /// Feeds the data of SASLResponse (the client-final-message,
    /// `channel-binding "," nonce ["," extensions] "," proof`).
    ///
    /// Returns `.sendServerFinalAndSucceed(v=<server signature>)` when the proof is right, otherwise
    /// `.fail(.invalidProof)` (wrong password, or a mock verifier: the same case, after the same work),
    /// or another `.fail` for a malformed message.
    public mutating func receiveClientFinal(_ bytes: [UInt8]) -> Action {
        let context: ExchangeContext
        switch state {
        case .waitingForClientFinal(let current):
            context = current
        case .waitingForClientFirst, .authenticated, .failed:
            return fail(.unexpectedMessage)
        }
        let parsed: ClientFinal
        switch Self.parseClientFinal(bytes, context: context) {
        case .failure(let error):
            return fail(error)
        case .success(let value):
            parsed = value
        }

        let authMessage = context.clientFirstBare + [UInt8(ascii: ",")] + context.serverFirst
            + [UInt8(ascii: ",")] + parsed.withoutProof
        let clientSignature = SCRAMCrypto.hmac(key: verifier.storedKey, message: authMessage)
        let clientKey = SCRAMCrypto.xor(parsed.proof, clientSignature)
        let proofMatches = ConstantTime.equals(SCRAMCrypto.sha256(clientKey), verifier.storedKey)
        // A mock verifier fails only here, after exactly the work a real one does.
        guard proofMatches, !isMockVerifier else {
            return fail(.invalidProof)
        }
        let serverSignature = SCRAMCrypto.hmac(key: verifier.serverKey, message: authMessage)
        state = .authenticated(clientKey: clientKey)
        return .sendServerFinalAndSucceed(Array("v=".utf8) + Base64.encodeToBytes(serverSignature))
    }

    /// The parts of a client-final-message the proof check needs.
    struct ClientFinal {
        /// client-final-message-without-proof, the last part of AuthMessage.
        let withoutProof: [UInt8]
        /// The decoded 32-byte ClientProof.
        let proof: [UInt8]
    }

    /// Parses and validates a client-final-message against the exchange so far.
    static func parseClientFinal(_ bytes: [UInt8], context: ExchangeContext) -> Result<ClientFinal, SCRAMError> {
        if let problem = SCRAMMessage.framingProblem(bytes) {
            return .failure(problem)
        }
        guard let fields = SCRAMMessage.fields(bytes[...]) else {
            return .failure(.malformed("too many attributes"))
        }
        guard fields.count >= 3, let proofField = fields.last else {
            return .failure(.malformed("client-final-message needs channel binding, nonce and proof"))
        }
        // channel-binding: base64 of the gs2 header (no channel binding data is ever in use).
        switch SCRAMMessage.expect("c", in: fields[0], describing: "channel binding") {
        case .failure(let error):
            return .failure(error)
        case .success(let value):
            guard let binding = Base64.decode(bytes: value, maximumDecodedLength: 64) else {
                return .failure(.malformed("channel binding is not valid base64"))
            }
            guard binding == context.gs2Header else {
                return .failure(.channelBindingMismatch)
            }
        }
        // nonce
        switch SCRAMMessage.expect("r", in: fields[1], describing: "nonce") {
        case .failure(let error):
            return .failure(error)
        case .success(let value):
            guard value.elementsEqual(context.combinedNonce) else {
                return .failure(.nonceMismatch)
            }
        }
        if let problem = SCRAMMessage.extensionsProblem(fields[2..<(fields.count - 1)]) {
            return .failure(problem)
        }
        // proof: always the last attribute.
        let proof: [UInt8]
        switch SCRAMMessage.expect("p", in: proofField, describing: "proof") {
        case .failure(let error):
            return .failure(error)
        case .success(let value):
            guard let decoded = Base64.decode(bytes: value, maximumDecodedLength: SCRAMLimits.keyLength),
                decoded.count == SCRAMLimits.keyLength
            else {
                return .failure(.malformed("proof is not base64 of 32 bytes"))
            }
            proof = decoded
        }
        // proofField starts after a comma that is not part of client-final-message-without-proof.
        let withoutProofEnd = proofField.startIndex - 1
        return .success(ClientFinal(withoutProof: Array(bytes[..<withoutProofEnd]), proof: proof))
    }
}
