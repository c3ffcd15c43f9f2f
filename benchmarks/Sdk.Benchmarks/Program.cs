using System;
using System.Linq;
using BenchmarkDotNet.Running;
using Sdk.Benchmarks.Kernels;

namespace Sdk.Benchmarks;

internal static class Program
{
    private static void Main(string[] args)
    {
        // The "% peak" columns divide by this figure: state it with every run.
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {MachinePeak.Describe()}");
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
