package dev.sockscope.ui;

/** Stands in for Sockscope's main class in {@link LauncherTest}: prints what the launcher handed to the JVM. */
public final class LauncherProbe {
    private LauncherProbe() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("jar=" + LauncherProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI().getPath());
        System.out.println("via=" + System.getProperty("probe.via", "-"));
        System.out.println("opts=" + System.getProperty("probe.a", "-") + "," + System.getProperty("probe.b", "-"));
        System.out.println("cwd=" + System.getProperty("user.dir"));
        System.out.println("jvm=" + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        for (String a : args) {
            System.out.println("arg=[" + a + "]");
        }
    }
}
