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

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
