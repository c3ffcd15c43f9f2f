using System;
using System.IO;
using Sdk.Placement;

namespace Sdk.Placement.Cli;

/// <summary>sdk-place: read a graph, solve, print. Exit codes: 0 placed, 1 infeasible, 2 bad usage or input.</summary>
public static class PlacementCli
{
    public const int Placed = 0;
    public const int Infeasible = 1;
    public const int BadInput = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        CliOptions options;
        try
        {
            options = CliOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            error.WriteLine("sdk-place: " + e.Message);
            error.Write(CliOptions.Usage);
            return BadInput;
        }

        if (options.Help)
        {
            output.Write(CliOptions.Usage);
            return Placed;
        }

        PlacementProblem problem;
        try
        {
            problem = ApplyOverrides(PlacementGraphJson.ReadFile(options.GraphPath!), options);
            PlacementProblemValidator.Validate(problem); // the overrides may break it (e.g. 0 devices)
        }
        catch (PlacementInputException e)
        {
            error.WriteLine("sdk-place: " + e.Message);
            return BadInput;
        }
        catch (PlacementValidationException e)
        {
            error.WriteLine($"sdk-place: {options.GraphPath}: {e.Message}");
            return BadInput;
        }

        var solverOptions = PlacementSolverOptions.Default with
        {
            MaxIdeals = options.MaxIdeals ?? PlacementSolverOptions.Default.MaxIdeals,
            MaxIdealPairs = options.MaxPairs ?? PlacementSolverOptions.Default.MaxIdealPairs,
            TimeLimit = options.TimeLimit,
        };
        var result = PlacementSolver.Solve(problem, solverOptions);
        if (options.Json)
        {
            ResultWriter.WriteJson(output, options.GraphPath!, problem, result);
        }
        else
        {
            ResultWriter.WriteText(output, options.GraphPath!, problem, result);
        }

        return result.Status == PlacementStatus.Infeasible ? Infeasible : Placed;
    }

    private static PlacementProblem ApplyOverrides(PlacementProblem problem, CliOptions options)
    {
        problem = problem.WithDevices(options.Accelerators ?? problem.Accelerators, options.Cpus ?? problem.Cpus);
        return options.MaxMemory is double memory ? problem.WithMaxMemory(memory) : problem;
    }
}
