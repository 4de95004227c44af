import ArgumentParser
import PGLensProxy

@main
struct PGLensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pglens",
        abstract: "A PostgreSQL wire-protocol proxy that pools connections and audits the traffic it sees.",
        version: PGLensVersion.current,
        subcommands: [
            ServeCommand.self, CheckConfigCommand.self, ReportCommand.self, AuditCommand.self, CheckCommand.self,
            RunCommand.self, TopCommand.self,
        ],
        defaultSubcommand: nil
    )
}
