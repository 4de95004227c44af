import ArgumentParser

@main
struct PGLensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pglens",
        abstract: "A PostgreSQL wire-protocol proxy that pools connections and audits the traffic it sees.",
        subcommands: [ServeCommand.self, CheckConfigCommand.self],
        defaultSubcommand: nil
    )
}
