using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Sdk.Compiler;

namespace Sdk.Build;

/// <summary>
/// <c>SplitSdk.Report ASSEMBLY REFERENCES-FILE REPORT-DIR</c>: finds every generated network class in the built
/// assembly (the classes implementing <c>Sdk.Runtime.INetwork</c>), writes each plan's traffic report as
/// <c>REPORT-DIR/{full class name}.md</c> and <c>.json</c>, and one summary line per network to
/// <c>REPORT-DIR/summary.txt</c>, which the build prints. Run by the package's targets after Build.
/// </summary>
internal static class Program
{
    public const string SummaryFile = "summary.txt";

    private static int Main(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: SplitSdk.Report <assembly.dll> <reference-paths.txt> <report-dir>");
            return 2;
        }

        try
        {
            Write(args[0], File.ReadAllLines(args[1]), args[2]);
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or TargetInvocationException or ReflectionTypeLoadException)
        {
            Console.Error.WriteLine($"SplitSdk report of '{args[0]}' failed: {(e as TargetInvocationException)?.InnerException?.Message ?? e.Message}");
            return 1;
        }
    }

    private static void Write(string assemblyPath, IEnumerable<string> references, string reportDir)
    {
        Directory.CreateDirectory(reportDir);
        foreach (var stale in Directory.EnumerateFiles(reportDir).Where(f => Path.GetExtension(f) is ".md" or ".json" || Path.GetFileName(f) == SummaryFile))
        {
            File.Delete(stale);
        }

        var assembly = new NetworkLoadContext(references).LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
        var summary = new List<string>();
        foreach (var type in NetworkTypes(assembly))
        {
            var plan = (NetworkPlan)type.GetProperty("Plan", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            var report = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(reportDir, type.FullName + ".md"));
            File.WriteAllText(report, plan.TrafficMarkdown);
            File.WriteAllText(Path.ChangeExtension(report, ".json"), plan.TrafficJson);
            summary.Add($"SplitSdk: {plan.TrafficSummary} -> {report}");
        }

        File.WriteAllLines(Path.Combine(reportDir, SummaryFile), summary);
    }

    /// <summary>The generated network classes, in name order.</summary>
    private static IEnumerable<Type> NetworkTypes(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false } && t.GetInterfaces().Any(i => i.FullName == "Sdk.Runtime.INetwork"))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
}
