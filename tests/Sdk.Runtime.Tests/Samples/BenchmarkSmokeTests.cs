using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Sdk.Runtime.Tests.Samples;

/// <summary>
/// The tiny versions of the inference benchmarks behind docs/performance.md: the benchmark program's <c>--alternate</c>
/// (ours against ONNX Runtime on both networks at batch 1 and 32, after checking both give the same logits) and
/// <c>--layers</c> (per-layer times of both sides) run and print every case, and <c>--winograd</c> (the 3x3 layers with
/// and without Winograd). Times are not asserted.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public void TheAlternatingRunComparesEveryCase()
    {
        var output = Run("--alternate", "1", "1");

        var rows = output.Split('\n').Where(l => l.StartsWith("| 1 |", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, rows.Count);
        foreach (var row in rows)
        {
            var ratio = double.Parse(row.Split('|')[6], CultureInfo.InvariantCulture);
            Assert.True(ratio > 0 && double.IsFinite(ratio), row);
        }

        Assert.Contains("| Fashion CNN | 32 |", output);
        Assert.Contains("| ResNet-18 (CIFAR) | 1 |", output);
    }

    [Fact]
    public void TheLayerProfileListsBothSides()
    {
        var output = Run("--layers", "2");

        Assert.Equal(4, output.Split('\n').Count(l => l.StartsWith("| whole call, unprofiled |", StringComparison.Ordinal)));
        Assert.Contains("| L4B2Conv2 | Conv2D | 512x4x4 |", output);
        Assert.Contains("| Fc1 | Dense | 128 |", output);
    }

    [Fact]
    public void TheWinogradLayersCompareBothPlans()
    {
        var output = Run("--winograd", "1", "0.01");

        var rows = output.Split('\n').Where(l => l.StartsWith("| Vector", StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count is 10 or 20 || !System.Runtime.Intrinsics.X86.Avx2.IsSupported, output);
        foreach (var row in rows)
        {
            var ratio = double.Parse(row.Split('|')[6], CultureInfo.InvariantCulture);
            Assert.True(ratio > 0 && double.IsFinite(ratio), row);
        }

        // The direct-only plan is the option's point: ResNet-18's 128-channel layer runs Winograd at batch 32 on every vector kernel.
        Assert.All(rows.Where(r => r.Contains("| 128 → 128, 16x16 | 32 |", StringComparison.Ordinal)), r => Assert.EndsWith("| yes |", r.TrimEnd()));
    }

    private static string Run(params string[] arguments)
    {
        // The program next to this assembly's configuration: .../bin/<Configuration>/net10.0/Sdk.Benchmarks.dll.
        var here = AppContext.BaseDirectory;
        var configuration = new DirectoryInfo(here).Parent!.Name;
        var root = new DirectoryInfo(here);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Sdk.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var dll = Path.Combine(root!.FullName, "benchmarks", "Sdk.Benchmarks", "bin", configuration, "net10.0", "Sdk.Benchmarks.dll");
        Assert.True(File.Exists(dll), $"{dll} not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"Sdk.Benchmarks {string.Join(" ", arguments)} did not finish in 10 minutes");
        }

        Assert.True(process.ExitCode == 0, $"Sdk.Benchmarks {string.Join(" ", arguments)} exited with {process.ExitCode}: {stderr.Result}\n{stdout.Result}");
        return stdout.Result;
    }
}
