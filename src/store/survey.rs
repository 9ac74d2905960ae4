//! Satisfaction-survey answers and their results per fiscal year.

use rusqlite::Connection;

use super::StoreResult;
use crate::workflow::survey::Answer;

/// Stores an answer and marks its form token used, in one transaction; false (nothing
/// stored) when the token was used already.
pub fn insert(
    conn: &mut Connection,
    answer: &Answer,
    fiscal_year: i32,
    form_token: &str,
) -> StoreResult<bool> {
    let tx = conn.transaction()?;
    if !super::cases::use_token(&tx, form_token)? {
        return Ok(false);
    }
    let l = answer.levels;
    tx.execute(
        "INSERT INTO survey_answers (at, fiscal_year, content, ease, design, speed, overall, comment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        (super::now_unix(), fiscal_year, l[0], l[1], l[2], l[3], l[4], &answer.comment),
    )?;
    tx.commit()?;
    Ok(true)
}

/// Results of one fiscal year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Results {
    /// Answers.
    pub count: u64,
    /// Average level per aspect (in `ASPECTS` order).
    pub averages: [f64; 5],
    /// How many answers gave the overall level 1..=5 (index 0 is level 1).
    pub overall: [u64; 5],
}

/// The results of `fiscal_year`.
pub fn results(conn: &Connection, fiscal_year: i32) -> StoreResult<Results> {
    let (count, a, b, c, d, e): (i64, f64, f64, f64, f64, f64) = conn
        .prepare_cached(
            "SELECT count(*), coalesce(avg(content), 0), coalesce(avg(ease), 0), coalesce(avg(design), 0),
                    coalesce(avg(speed), 0), coalesce(avg(overall), 0)
             FROM survey_answers WHERE fiscal_year = ?1",
        )?
        .query_row([fiscal_year], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })?;
    let mut overall = [0u64; 5];
    let mut stmt = conn.prepare_cached(
        "SELECT overall, count(*) FROM survey_answers WHERE fiscal_year = ?1 GROUP BY overall",
    )?;
    for row in stmt.query_map([fiscal_year], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (level, n) = row?;
        if (1..=5).contains(&level) {
            overall[(level - 1) as usize] = n as u64;
        }
    }
    Ok(Results { count: count as u64, averages: [a, b, c, d, e], overall })
}

/// One stored answer: time (Unix seconds), fiscal year, levels, comment.
pub type Row = (i64, i32, [u8; 5], String);

/// Every answer, oldest first, for the CSV export.
pub fn all(conn: &Connection) -> StoreResult<Vec<Row>> {
    Ok(conn
        .prepare_cached(
            "SELECT at, fiscal_year, content, ease, design, speed, overall, comment FROM survey_answers ORDER BY id",
        )?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?], r.get(7)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_stored_once_and_averaged() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).unwrap();
        store
            .run_sync(|c| {
                assert!(insert(c, &Answer { levels: [5, 4, 3, 2, 5], comment: String::new() }, 2569, "s:1")?);
                assert!(!insert(c, &Answer { levels: [1; 5], comment: String::new() }, 2569, "s:1")?);
                assert!(insert(c, &Answer { levels: [3, 4, 3, 2, 3], comment: "ดี".into() }, 2569, "s:2")?);
                let r = results(c, 2569)?;
                assert_eq!(r.count, 2);
                assert_eq!(r.averages[0], 4.0);
                assert_eq!(r.overall, [0, 0, 1, 0, 1]);
                assert_eq!(results(c, 2568)?.count, 0);
                assert_eq!(all(c)?.len(), 2);
                Ok(())
            })
            .unwrap();
    }
}
