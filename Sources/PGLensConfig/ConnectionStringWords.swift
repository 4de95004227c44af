/// The `key=value` words of a PgBouncer/libpq-style database string:
/// `host=127.0.0.1 port=5432 dbname=app pool_size=10`.
///
/// Values may be single-quoted (`password='a b'`), with `\'` and `\\` inside quotes; spaces
/// around `=` are allowed. Errors never contain a value.
struct ConnectionStringWords {
    /// One `key=value` word.
    struct Word {
        var key: String
        var value: String
    }

    /// Why the string could not be split into words.
    struct SyntaxError: Error {
        var message: String
    }

    var words: [Word] = []

    init(parsing string: String) throws(SyntaxError) {
        var characters = Substring(string)

        func skipWhitespace() {
            while let first = characters.first, first.isWhitespace { characters.removeFirst() }
        }

        skipWhitespace()
        while !characters.isEmpty {
            var key = ""
            while let first = characters.first, first != "=", !first.isWhitespace {
                key.append(characters.removeFirst())
            }
            skipWhitespace()
            guard characters.first == "=", !key.isEmpty else {
                throw SyntaxError(message: "expected key=value words (word \(words.count + 1) has no '=')")
            }
            characters.removeFirst()
            skipWhitespace()
            var value = ""
            if characters.first == "'" {
                characters.removeFirst()
                var closed = false
                while let character = characters.popFirst() {
                    if character == "\\", let escaped = characters.popFirst() {
                        value.append(escaped)
                    } else if character == "'" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else {
                    throw SyntaxError(message: "the value of '\(key)' has an unterminated quote")
                }
            } else {
                while let first = characters.first, !first.isWhitespace {
                    value.append(characters.removeFirst())
                }
            }
            words.append(Word(key: key, value: value))
            skipWhitespace()
        }
    }
}
