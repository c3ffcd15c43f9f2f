using System;

namespace Sdk.Placement.Cli;

internal static class Program
{
    private static int Main(string[] args) => PlacementCli.Run(args, Console.Out, Console.Error);
}
