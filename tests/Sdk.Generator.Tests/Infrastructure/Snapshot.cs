using System;
using System.IO;

namespace Sdk.Generator.Tests.Infrastructure;

/// <summary>
/// Verify-style snapshots (Verify itself is not served here): compares text with the checked-in
/// <c>Snapshots/NAME.verified.cs</c>; on a mismatch writes <c>NAME.received.cs</c> beside it and fails.
/// Accept a change by renaming the received file, or run the tests once with SDK_ACCEPT_SNAPSHOTS=1.
/// </summary>
public static class Snapshot
{
    public static void Verify(string actual, string name)
    {
        // From the repository root, not [CallerFilePath]: CI builds map source paths to /_/ (deterministic builds).
        var folder = Path.Combine(RepoRoot.Path, "tests", "Sdk.Generator.Tests", "Snapshots");
        var verified = Path.Combine(folder, name + ".verified.cs");
        var received = Path.Combine(folder, name + ".received.cs");
        actual = actual.Replace("\r\n", "\n");
        var expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        if (Environment.GetEnvironmentVariable("SDK_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(verified, actual);
            return;
        }

        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No snapshot {verified}; wrote {received}. Review it and rename it to accept."
            : $"Generated code differs from {verified}; wrote {received}. Diff them, and rename the received file to accept.");
    }
}
