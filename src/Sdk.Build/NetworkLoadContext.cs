using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace Sdk.Build;

/// <summary>
/// Loads the user's built assembly with the dependencies its build resolved (the reference paths MSBuild hands
/// over), so a class library whose packages are not copied beside it loads as well as an app. What this
/// process already has (the framework, and the report tool's own Sdk.Compiler and Sdk.Attributes, the same
/// version as the user's since both come from one package) comes from the default context, so the plans the
/// user's classes return are of the tool's <see cref="Sdk.Compiler.NetworkPlan"/> type.
/// </summary>
internal sealed class NetworkLoadContext : AssemblyLoadContext
{
    private static readonly HashSet<string> Shared = SharedNames();
    private readonly Dictionary<string, string> _paths = new(StringComparer.OrdinalIgnoreCase);

    public NetworkLoadContext(IEnumerable<string> referencePaths)
        : base("SplitSdk.Report", isCollectible: false)
    {
        foreach (var path in referencePaths)
        {
            if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && File.Exists(path))
            {
                _paths.TryAdd(Path.GetFileNameWithoutExtension(path), path); // copy-local (runtime) paths come first
            }
        }
    }

    protected override Assembly? Load(AssemblyName name) =>
        name.Name is null || Shared.Contains(name.Name) || !_paths.TryGetValue(name.Name, out var path) ? null : LoadFromAssemblyPath(path);

    /// <summary>The assemblies of this process's own dependency set: the framework and the tool's references.</summary>
    private static HashSet<string> SharedNames()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
        foreach (var path in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            names.Add(Path.GetFileNameWithoutExtension(path));
        }

        return names;
    }
}
