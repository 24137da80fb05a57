extension ConfigurationValidator {
    /// Characters allowed in a shard name.
    static func isShardNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", ".", "-": return true
        default: return false
        }
    }

    /// `[[shards]]`: at least one; names unique, non-empty, `[A-Za-z0-9_.-]`; weight 1...1000; addresses
    /// valid; replicas distinct and different from the primary.
    func checkShards(into problems: inout [ConfigurationProblem]) {
        if configuration.shards.isEmpty && origins.shardEntriesInFile == 0 {
            problems.append(.init(keyPath: "shards", message: "at least one shard is required: add a [[shards]] section"))
        }
        var firstIndexOfName: [String: Int] = [:]
        for (position, shard) in configuration.shards.enumerated() {
            let path = "shards[\(fileIndex(origins.shards, position))]"
            if shard.name.isEmpty {
                problems.append(.init(keyPath: "\(path).name", message: "must not be empty"))
            } else if !shard.name.unicodeScalars.allSatisfy(Self.isShardNameCharacter) {
                problems.append(.init(
                    keyPath: "\(path).name",
                    message: "`\(shard.name)` may only contain letters, digits, `_`, `.` and `-`"))
            } else if let first = firstIndexOfName[shard.name] {
                problems.append(.init(
                    keyPath: "\(path).name", message: "duplicate shard name `\(shard.name)` (also shards[\(first)])"))
            } else {
                firstIndexOfName[shard.name] = fileIndex(origins.shards, position)
            }
            checkRange(shard.weight, Self.weightRange, "\(path).weight", into: &problems)
            checkAddress(shard.primary, "\(path).primary", into: &problems)
            var seen: Set<ServerAddress> = []
            for (replicaIndex, replica) in shard.replicas.enumerated() {
                let replicaPath = "\(path).replicas[\(replicaIndex)]"
                checkAddress(replica, replicaPath, into: &problems)
                if replica == shard.primary {
                    problems.append(.init(keyPath: replicaPath, message: "`\(replica)` is the shard's primary; a replica must be another server"))
                } else if !seen.insert(replica).inserted {
                    problems.append(.init(keyPath: replicaPath, message: "`\(replica)` is listed twice"))
                }
            }
        }
    }

    /// `[[databases]]`: at least one; names non-empty and unique; `server_database` non-empty.
    func checkDatabases(into problems: inout [ConfigurationProblem]) {
        if configuration.databases.isEmpty && origins.databaseEntriesInFile == 0 {
            problems.append(.init(keyPath: "databases", message: "at least one database is required: add a [[databases]] section"))
        }
        var firstIndexOfName: [String: Int] = [:]
        for (position, database) in configuration.databases.enumerated() {
            let index = fileIndex(origins.databases, position)
            let path = "databases[\(index)]"
            if database.name.isEmpty {
                problems.append(.init(keyPath: "\(path).name", message: "must not be empty"))
            } else if let first = firstIndexOfName[database.name] {
                problems.append(.init(
                    keyPath: "\(path).name", message: "duplicate database name `\(database.name)` (also databases[\(first)])"))
            } else {
                firstIndexOfName[database.name] = index
            }
            if database.serverDatabase.isEmpty && !database.name.isEmpty {  // an empty name is reported once, above
                problems.append(.init(keyPath: "\(path).server_database", message: "must not be empty; remove the key to use `name`"))
            }
            if let limit = database.maxClientConnections {
                checkRange(limit, 1...1_000_000, "\(path).max_client_conn", into: &problems)
            }
        }
    }

    /// `[[users]]`: at least one; names non-empty and unique; exactly one secret (none allowed with
    /// `auth_method = "trust"`), usable with the auth method, and well-formed.
    func checkUsers(into problems: inout [ConfigurationProblem]) {
        if configuration.users.isEmpty && origins.userEntriesInFile == 0 {
            problems.append(.init(keyPath: "users", message: "at least one user is required: add a [[users]] section"))
        }
        let authMethod = configuration.pgring.authMethod
        var firstIndexOfName: [String: Int] = [:]
        for (position, user) in configuration.users.enumerated() {
            let index = fileIndex(origins.users, position)
            let path = "users[\(index)]"
            if user.name.isEmpty {
                problems.append(.init(keyPath: "\(path).name", message: "must not be empty"))
            } else if let first = firstIndexOfName[user.name] {
                problems.append(.init(keyPath: "\(path).name", message: "duplicate user `\(user.name)` (also users[\(first)])"))
            } else {
                firstIndexOfName[user.name] = index
            }
            checkSecrets(of: user, path: path, authMethod: authMethod, into: &problems)
            if let limit = user.maxClientConnections {
                checkRange(limit, 1...1_000_000, "\(path).max_client_conn", into: &problems)
            }
        }
    }

    private func checkSecrets(
        of user: UserConfiguration, path: String, authMethod: ClientAuthMethod, into problems: inout [ConfigurationProblem]
    ) {
        var setKeys: [String] = []
        if user.password != nil { setKeys.append("password") }
        if user.scramVerifier != nil { setKeys.append("scram_verifier") }
        if user.md5Hash != nil { setKeys.append("md5_hash") }
        let who = user.name.isEmpty ? "this user" : "user `\(user.name)`"
        if setKeys.count > 1 {
            problems.append(.init(
                keyPath: path,
                message: "\(who) sets " + setKeys.joined(separator: " and ") + "; set exactly one of password, scram_verifier, md5_hash"))
        }
        switch authMethod {
        case .trust:
            break
        case .scramSHA256, .md5:
            if setKeys.isEmpty {
                problems.append(.init(
                    keyPath: path,
                    message: "\(who) needs one of password, scram_verifier, md5_hash (auth_method is \(authMethod.rawValue); only \"trust\" allows none)"))
            }
            if setKeys.count == 1 {
                checkSecretFitsMethod(user, path: path, authMethod: authMethod, into: &problems)
            }
        }
        if let verifier = user.scramVerifier, !Self.looksLikeSCRAMVerifier(verifier) {
            problems.append(.init(
                keyPath: "\(path).scram_verifier",
                message: "must look like SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>, as in pg_authid.rolpassword"))
        }
        if let hash = user.md5Hash, !Self.looksLikeMD5Hash(hash) {
            problems.append(.init(
                keyPath: "\(path).md5_hash",
                message: "must be \"md5\" followed by 32 lowercase hexadecimal digits, as in pg_authid.rolpassword"))
        }
    }

    /// An MD5 hash cannot answer SCRAM, and a SCRAM verifier cannot answer MD5.
    private func checkSecretFitsMethod(
        _ user: UserConfiguration, path: String, authMethod: ClientAuthMethod, into problems: inout [ConfigurationProblem]
    ) {
        switch authMethod {
        case .scramSHA256:
            if user.md5Hash != nil {
                problems.append(.init(
                    keyPath: "\(path).md5_hash",
                    message: "cannot be used with auth_method = \"scram-sha-256\"; set password or scram_verifier instead"))
            }
        case .md5:
            if user.scramVerifier != nil {
                problems.append(.init(
                    keyPath: "\(path).scram_verifier",
                    message: "cannot be used with auth_method = \"md5\"; set password or md5_hash instead"))
            }
        case .trust:
            break
        }
    }

    /// Host non-empty, port in range (the loader already guarantees both; configurations built in code may not).
    private func checkAddress(_ address: ServerAddress, _ keyPath: String, into problems: inout [ConfigurationProblem]) {
        if address.host.isEmpty {
            problems.append(.init(keyPath: keyPath, message: "the host must not be empty"))
        }
        if !Self.portRange.contains(address.port) {
            problems.append(.init(keyPath: keyPath, message: "the port must be between 1 and 65535, got \(address.port)"))
        }
    }

    /// The file index of the entry at `position` in the mapped array.
    private func fileIndex(_ origins: [Int], _ position: Int) -> Int {
        position < origins.count ? origins[position] : position
    }

    /// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` with a positive decimal iteration count and
    /// non-empty base64 parts. Syntax only: PGAuth decodes it for real.
    static func looksLikeSCRAMVerifier(_ text: String) -> Bool {
        let prefix = "SCRAM-SHA-256$"
        guard text.hasPrefix(prefix) else { return false }
        let parts = text.dropFirst(prefix.count).split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let iterationAndSalt = parts[0].split(separator: ":", omittingEmptySubsequences: false)
        let keys = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard iterationAndSalt.count == 2, keys.count == 2 else { return false }
        let iterations = iterationAndSalt[0]
        guard !iterations.isEmpty, iterations.count <= 10, iterations.allSatisfy({ $0.isASCII && $0.isNumber }),
            let count = Int(iterations), count >= 1
        else { return false }
        return isBase64(iterationAndSalt[1]) && isBase64(keys[0]) && isBase64(keys[1])
    }

    /// Non-empty standard base64 with correct padding (length a multiple of 4, `=` only at the end, at most two).
    static func isBase64(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.count % 4 == 0 else { return false }
        let body = text.drop(while: { $0 != "=" })
        let padding = body.count
        guard padding <= 2, body.allSatisfy({ $0 == "=" }) else { return false }
        return text.dropLast(padding).unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9", "+", "/": return true
            default: return false
            }
        }
    }

    /// `md5` followed by 32 lowercase hex digits.
    static func looksLikeMD5Hash(_ text: String) -> Bool {
        guard text.hasPrefix("md5") else { return false }
        let digits = text.unicodeScalars.dropFirst(3)
        return digits.count == 32 && digits.allSatisfy { scalar in
            switch scalar {
            case "0"..."9", "a"..."f": return true
            default: return false
            }
        }
    }
}
