package io.crumblecracker.cli;

import picocli.CommandLine;

/** Reports the implementation version from the jar manifest. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        final String version = CrumbleCommand.class.getPackage().getImplementationVersion();
        return new String[] {"crumble " + (version == null ? "development build" : version),
            "Java " + Runtime.version()};
    }
}
