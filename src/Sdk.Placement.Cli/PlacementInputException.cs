using System;

namespace Sdk.Placement.Cli;

/// <summary>A graph file that cannot be used; the message starts with the file name and names the node or edge.</summary>
public sealed class PlacementInputException : Exception
{
    public PlacementInputException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
