import PGWire

extension ErrorFields {
    /// The same error with another severity (a server's ERROR becomes FATAL when it ends a login).
    func withSeverity(_ severity: String) -> ErrorFields {
        ErrorFields(
            fields: fields.map { field in
                field.type == ErrorFieldType.severity || field.type == ErrorFieldType.severityNonLocalized
                    ? ErrorFields.Field(type: field.type, value: severity) : field
            })
    }
}
