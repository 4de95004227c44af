extension String {
    /// nil for the empty string (an unset configuration key).
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
