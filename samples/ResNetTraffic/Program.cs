System.Console.WriteLine("traffic report: work in progress");
