extension Report {
    /// The report restricted to the statements and findings of `applications` (their `application_name`);
    /// an empty list keeps everything. Findings of the whole database (an unused index, a foreign key
    /// without an index) have no application and are left out of a restricted report.
    public func restricted(toApplications applications: [String]) -> Report {
        guard !applications.isEmpty else { return self }
        let names = Set(applications)
        var report = self
        report.statements = statements.filter { names.contains($0.applicationName) }
        report.findings = findings.filter { names.contains($0.applicationName) }
        return report
    }
}
