extension SCRAMClientStateMachine {
    /// Feeds the data of AuthenticationSASLContinue (the server-first-message,
    /// `[reserved-mext ","] nonce "," salt "," iteration-count ["," extensions]`).
    ///
    /// Checks that the nonce extends ours, the salt is base64 within `SCRAMLimits.saltLengthRange` and the
    /// iteration count is within `SCRAMLimits.iterationRange`, then runs PBKDF2 (unless cached or given keys
    /// fit the salt and count) and returns
    /// `.sendClientFinal(c=biws,r=<nonce>,p=<proof>)`.
    public mutating func receiveServerFirst(_ bytes: [UInt8]) -> Action {
        switch state {
        case .waitingForServerFirst:
            break
        case .initial, .waitingForServerFinal, .authenticated, .failed:
            return fail(.unexpectedMessage)
        }
        let parsed: ServerFirst
        switch Self.parseServerFirst(bytes, clientNonce: clientNonce) {
        case .failure(let error):
            return fail(error)
        case .success(let value):
            parsed = value
        }

        let keys: SCRAMClientKeys
        switch credentials {
        case .password(let prepared, let cachedKeys):
            if let cachedKeys, cachedKeys.fit(salt: parsed.salt, iterations: parsed.iterations) {
                keys = cachedKeys
            } else {
                keys = SCRAMClientKeys.derive(preparedPassword: prepared, salt: parsed.salt, iterations: parsed.iterations)
            }
        case .keys(let given):
            guard given.fit(salt: parsed.salt, iterations: parsed.iterations) else {
                return fail(.clientKeysDoNotMatchServer)
            }
            keys = given
        case .forgotten:
            return fail(.unexpectedMessage)
        }
        credentials = .forgotten
        let storedKey = SCRAMCrypto.sha256(keys.clientKey)
        let withoutProof = Array("c=".utf8) + Base64.encodeToBytes(Self.gs2Header)
            + Array(",r=".utf8) + parsed.combinedNonce
        let authMessage = clientFirstBare + [UInt8(ascii: ",")] + bytes + [UInt8(ascii: ",")] + withoutProof
        let clientSignature = SCRAMCrypto.hmac(key: storedKey, message: authMessage)
        let proof = SCRAMCrypto.xor(keys.clientKey, clientSignature)
        let serverSignature = SCRAMCrypto.hmac(key: keys.serverKey, message: authMessage)
        state = .waitingForServerFinal(expectedServerSignature: serverSignature, keys: keys)
        return .sendClientFinal(withoutProof + Array(",p=".utf8) + Base64.encodeToBytes(proof))
    }

    /// Feeds the data of AuthenticationSASLFinal (the server-final-message, `v=<signature>` or `e=<error>`,
    /// optionally followed by extensions). Returns `.authenticated` when the signature matches (compared in
    /// constant time), otherwise `.fail`.
    public mutating func receiveServerFinal(_ bytes: [UInt8]) -> Action {
        let expectedServerSignature: [UInt8]
        let keys: SCRAMClientKeys
        switch state {
        case .waitingForServerFinal(let signature, let usedKeys):
            expectedServerSignature = signature
            keys = usedKeys
        case .initial, .waitingForServerFirst, .authenticated, .failed:
            return fail(.unexpectedMessage)
        }
        if let problem = SCRAMMessage.framingProblem(bytes) {
            return fail(problem)
        }
        guard let fields = SCRAMMessage.fields(bytes[...]), let first = fields.first else {
            return fail(.malformed("too many attributes"))
        }
        guard let attribute = SCRAMMessage.attribute(first) else {
            return fail(.malformed("server-final-message is not a name=value attribute"))
        }
        if let problem = SCRAMMessage.extensionsProblem(fields.dropFirst()) {
            return fail(problem)
        }
        switch attribute.name {
        case UInt8(ascii: "e"):
            let value = String(decoding: attribute.value.prefix(SCRAMLimits.maximumServerErrorLength), as: UTF8.self)
            return fail(.serverError(value))
        case UInt8(ascii: "v"):
            guard let signature = Base64.decode(bytes: attribute.value, maximumDecodedLength: SCRAMLimits.keyLength),
                signature.count == SCRAMLimits.keyLength
            else {
                return fail(.malformed("server signature is not base64 of 32 bytes"))
            }
            guard ConstantTime.equals(signature, expectedServerSignature) else {
                return fail(.invalidServerSignature)
            }
            state = .authenticated(keys: keys)
            return .authenticated
        default:
            return fail(.malformed("server-final-message must start with v= or e="))
        }
    }

    /// The parts of a server-first-message the exchange needs.
    struct ServerFirst {
        /// Client nonce followed by the server's part.
        let combinedNonce: [UInt8]
        /// The decoded salt.
        let salt: [UInt8]
        /// The validated iteration count.
        let iterations: Int
    }

    /// Parses and validates a server-first-message.
    static func parseServerFirst(_ bytes: [UInt8], clientNonce: [UInt8]) -> Result<ServerFirst, SCRAMError> {
        if let problem = SCRAMMessage.framingProblem(bytes) {
            return .failure(problem)
        }
        guard let fields = SCRAMMessage.fields(bytes[...]) else {
            return .failure(.malformed("too many attributes"))
        }
        guard fields.count >= 3 else {
            return .failure(.malformed("server-first-message needs nonce, salt and iteration count"))
        }
        let nonce: ArraySlice<UInt8>
        switch SCRAMMessage.expect("r", in: fields[0], describing: "nonce") {
        case .failure(let error):
            return .failure(error)
        case .success(let value):
            nonce = value
        }
        guard nonce.count <= SCRAMLimits.maximumCombinedNonceLength, SCRAMMessage.isValidNonce(nonce) else {
            return .failure(.malformed("nonce is too long or not printable"))
        }
        guard nonce.count > clientNonce.count, nonce.starts(with: clientNonce) else {
            return .failure(.nonceMismatch)
        }
        let salt: [UInt8]
        switch SCRAMMessage.expect("s", in: fields[1], describing: "salt") {
        case .failure(let error):
            return .failure(error)
        case .success(let value):
            guard let decoded = Base64.decode(bytes: value, maximumDecodedLength: SCRAMLimits.saltLengthRange.upperBound),
                SCRAMLimits.saltLengthRange.contains(decoded.count)
            else {
                return .failure(.malformed("salt is not base64 of 1 to \(SCRAMLimits.saltLengthRange.upperBound) bytes"))
            }
            salt = decoded
        }
        let iterations: Int
        switch SCRAMMessage.expect("i", in: fields[2], describing: "iteration count") {
        case .failure(let error):
            return .failure(error)
        case .success(let value):
            switch SCRAMMessage.parseIterationCount(value) {
            case .failure(let error):
                return .failure(error)
            case .success(let count):
                iterations = count
            }
        }
        if let problem = SCRAMMessage.extensionsProblem(fields[3...]) {
            return .failure(problem)
        }
        return .success(ServerFirst(combinedNonce: Array(nonce), salt: salt, iterations: iterations))
    }
}
