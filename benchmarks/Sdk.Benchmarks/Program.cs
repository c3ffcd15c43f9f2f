using System;
using System.Linq;
using BenchmarkDotNet.Running;
using Sdk.Benchmarks.Inference;
using Sdk.Benchmarks.Kernels;

namespace Sdk.Benchmarks;

internal static class Program
{
    private static void Main(string[] args)
    {
        // The "% peak" columns divide by this figure: state it with every run.
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {MachinePeak.Describe()}");
        if (args.Length > 0 && args[0] == "--alternate")
        {
            // Ours and ONNX Runtime called in turn in one process: for a machine that other work keeps busy.
            var numbers = args.Skip(1).Select(int.Parse).ToArray();
            AlternatingRun.Run(numbers.Length > 0 ? numbers[0] : 200, numbers.Length > 1 ? numbers[1] : 3);
            return;
        }

        if (args.Length > 0 && args[0] == "--layers")
        {
            // Where the time goes: ours and ONNX Runtime's profiler, layer by layer.
            LayerProfile.Run(args.Length > 1 ? int.Parse(args[1]) : 40);
            return;
        }

        if (args.Length > 0 && args[0] == "--spaced")
        {
            // Single calls a gap apart, ours (per idle spin given in ms after the call count) against ONNX Runtime.
            var spins = args.Skip(2).Select(a => double.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            SpacedCalls.Run(args.Length > 1 ? int.Parse(args[1]) : 200, spins);
            return;
        }

        if (args.Length > 0 && args[0] == "--winograd")
        {
            // ResNet-18's 3x3 layers: Winograd against the direct kernel, layer by layer.
            WinogradLayers.Run(args.Length > 1 ? int.Parse(args[1]) : 12, args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1);
            return;
        }

        // In process by default: the project BenchmarkDotNet generates and builds for a separate process lists in its
        // deps.json only what that build resolves, and it loses the assemblies the generator returns as analyzer
        // dependencies (Sdk.Attributes: FileNotFoundException in every benchmark's setup). In process, this
        // program's own deps.json loads them. Both sides of every comparison run in the same process either way.
        if (!args.Any(a => a is "--inProcess" or "-i"))
        {
            args = [.. args, "--inProcess"];
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
