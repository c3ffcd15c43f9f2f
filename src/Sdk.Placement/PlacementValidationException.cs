using System;

namespace Sdk.Placement;

/// <summary>The problem is malformed; the message names the offending node or edge.</summary>
public sealed class PlacementValidationException : Exception
{
    public PlacementValidationException(string message)
        : base(message)
    {
    }
}
