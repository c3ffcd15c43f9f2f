using System;
using System.IO;
using Sdk.Placement;
using Sdk.Placement.Cli;

namespace Sdk.Placement.Tests;

/// <summary>Finds the reference graphs: the copy next to the test assembly first, else shared/data/placement.</summary>
internal static class TestData
{
    public static string GraphPath(string name)
    {
        var copied = Path.Combine(AppContext.BaseDirectory, "Data", name + ".json");
        if (File.Exists(copied))
        {
            return copied;
        }

        var shared = SharedDirectory() ?? throw new FileNotFoundException($"graph {name} is neither in Data/ nor in shared/data/placement");
        return Path.Combine(shared, name + ".json");
    }

    public static PlacementProblem Load(string name) => PlacementGraphJson.ReadFile(GraphPath(name));

    /// <summary>The shared data folder next to the repository root (&lt;repo&gt;/../shared/data/placement), if present.</summary>
    public static string? SharedDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "placement");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
