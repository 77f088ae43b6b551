import Foundation
import Logging
import Vapor

/// What the `caravan` executable runs: detect the environment, read the configuration, build the
/// application, execute the command, always shut down.
public enum CaravanEntrypoint {
    public static func main() async {
        let configuration: AppConfiguration
        do {
            configuration = try AppConfiguration.parse(environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("caravan: configuration: \(error)\n".utf8))
            exit(2)
        }

        var environment: Environment
        do {
            environment = try Environment.detect()
            try LoggingSystem.bootstrap(from: &environment) { level in
                let chosen = level
                return { label in
                    var handler = PrivacyLogHandler(wrapping: StreamLogHandler.standardOutput(label: label))
                    handler.logLevel = chosen
                    return handler
                }
            }
        } catch {
            FileHandle.standardError.write(Data("caravan: \(error)\n".utf8))
            exit(2)
        }

        let app: Application
        do {
            app = try await Application.make(environment)
        } catch {
            FileHandle.standardError.write(Data("caravan: could not start: \(error)\n".utf8))
            exit(1)
        }
        var status: Int32 = 0
        do {
            try await configure(app, configuration: configuration, dependencies: try Dependencies.fromEnvironment())
            try await app.execute()
        } catch let exit as ExitCode {
            status = exit.code
        } catch let error as ConfigurationError {
            // A key file that does not read, or keys that do not open the database: the operator's to fix.
            FileHandle.standardError.write(Data("caravan: configuration: \(error)\n".utf8))
            status = 2
        } catch {
            app.logger.report(error: error)
            status = 1
        }
        try? await app.asyncShutdown()
        exit(status)
    }
}
