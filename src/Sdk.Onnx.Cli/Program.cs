using System;

namespace Sdk.Onnx.Cli;

internal static class Program
{
    private static int Main(string[] args) => OnnxCli.Run(args, Console.Out, Console.Error);
}
