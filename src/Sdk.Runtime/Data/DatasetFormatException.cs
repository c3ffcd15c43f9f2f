using System;

namespace Sdk.Runtime.Data
{
    /// <summary>A dataset file is not valid; the message names the file and what is wrong with it.</summary>
    public sealed class DatasetFormatException : Exception
    {
        /// <summary>Creates the exception; the message is prefixed with the file.</summary>
        public DatasetFormatException(string filePath, string problem, Exception? innerException = null)
            : base($"Invalid dataset file '{filePath}': {problem}", innerException)
        {
            FilePath = filePath;
        }

        /// <summary>The file at fault.</summary>
        public string FilePath { get; }
    }
}
