using System;
using BenchmarkDotNet.Running;
using Sdk.Benchmarks.Kernels;

namespace Sdk.Benchmarks;

internal static class Program
{
    private static void Main(string[] args)
    {
        // The "% peak" columns divide by this figure: state it with every run.
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {MachinePeak.Describe()}");
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
