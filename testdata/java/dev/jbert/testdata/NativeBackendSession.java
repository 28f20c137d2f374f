package dev.jbert.testdata;

import dev.jbert.core.nd4j.NativeBackend;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Chooses ND4J's native build before any test touches ND4J, as jbert's entry points do for users: a test
 * class that creates arrays first would otherwise load whichever build JavaCPP finds first.
 */
public final class NativeBackendSession implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NativeBackend.init();
    }
}
