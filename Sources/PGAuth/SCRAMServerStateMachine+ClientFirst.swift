extension SCRAMServerStateMachine {
    /// Feeds the data of SASLInitialResponse (the client-first-message,
    /// `gs2-cbind-flag "," [authzid] "," [reserved-mext ","] username "," nonce ["," extensions]`).
    ///
    /// Returns `.sendServerFirst(r=<client nonce><server nonce>,s=<salt>,i=<iterations>)`, or `.fail`.
    public mutating func receiveClientFirst(_ bytes: [UInt8]) -> Action {
        switch state {
        case .waitingForClientFirst:
            break
        case .waitingForClientFinal, .authenticated, .failed:
            return fail(.unexpectedMessage)
        }
        switch Self.parseClientFirst(bytes) {
        case .failure(let error):
            return fail(error)
        case .success(let parsed):
            let combinedNonce = parsed.clientNonce + serverNonce
            let serverFirst = Array("r=".utf8) + combinedNonce
                + Array(",s=".utf8) + Base64.encodeToBytes(verifier.salt)
                + Array(",i=\(verifier.iterations)".utf8)
            state = .waitingForClientFinal(ExchangeContext(
                gs2Header: parsed.gs2Header, clientFirstBare: parsed.clientFirstBare,
                serverFirst: serverFirst, combinedNonce: combinedNonce))
            return .sendServerFirst(serverFirst)
        }
    }

    /// The parts of a client-first-message the exchange needs.
    struct ClientFirst {
        /// `n,,` or `y,,` as sent.
        let gs2Header: [UInt8]
        /// Everything after the gs2 header.
        let clientFirstBare: [UInt8]
        /// The client's nonce (validated printable, bounded).
        let clientNonce: [UInt8]
    }

    /// Parses and validates a client-first-message.
    static func parseClientFirst(_ bytes: [UInt8]) -> Result<ClientFirst, SCRAMError> {
        if let problem = SCRAMMessage.framingProblem(bytes) {
            return .failure(problem)
        }
        guard let fields = SCRAMMessage.fields(bytes[...]) else {
            return .failure(.malformed("too many attributes"))
        }
        guard fields.count >= 4 else {
            return .failure(.malformed("client-first-message needs a gs2 header, a user name and a nonce"))
        }
        // gs2-cbind-flag
        let flag = fields[0]
        if flag.starts(with: Array("p=".utf8)) {
            return .failure(.channelBindingNotSupported)
        }
        guard flag.elementsEqual([UInt8(ascii: "n")]) || flag.elementsEqual([UInt8(ascii: "y")]) else {
            return .failure(.malformed("invalid channel binding flag"))
        }
        // [authzid]
        let authorizationIdentity = fields[1]
        if authorizationIdentity.starts(with: Array("a=".utf8)) {
            return .failure(.authorizationIdentityNotSupported)
        }
        guard authorizationIdentity.isEmpty else {
            return .failure(.malformed("invalid authorization identity field"))
        }
        // username (ignored: the StartupMessage user is authenticated)
        if case .failure(let error) = SCRAMMessage.expect("n", in: fields[2], describing: "user name") {
            return .failure(error)
        }
        // nonce
        let nonce: ArraySlice<UInt8>
        switch SCRAMMessage.expect("r", in: fields[3], describing: "client nonce") {
        case .failure(let error):
            return .failure(error)
        case .success(let value):
            nonce = value
        }
        guard nonce.count <= SCRAMLimits.maximumClientNonceLength else {
            return .failure(.malformed("client nonce is longer than \(SCRAMLimits.maximumClientNonceLength) bytes"))
        }
        guard SCRAMMessage.isValidNonce(nonce) else {
            return .failure(.malformed("client nonce is empty or not printable"))
        }
        if let problem = SCRAMMessage.extensionsProblem(fields[4...]) {
            return .failure(problem)
        }
        let bareStart = fields[2].startIndex
        return .success(ClientFirst(
            gs2Header: Array(bytes[..<bareStart]),
            clientFirstBare: Array(bytes[bareStart...]),
            clientNonce: Array(nonce)))
    }
}
