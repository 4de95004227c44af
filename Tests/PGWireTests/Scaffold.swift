// Test target scaffold.
